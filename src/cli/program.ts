// The command table: every command, its flags and a lazy import of its code, so
// `netbreak status` does not load what `netbreak start` needs.
import { Command, Option } from 'commander';
import { AUTO_ORDER, BACKEND_CHOICES, backends, DEFAULT_BACKEND } from '../lab/backends.js';
import type { Backend } from '../lab/backend.js';

/** A command's module, loaded when the command runs; `A` is what commander passes its action (arguments, options, the command). */
type Loader<A extends unknown[]> = () => Promise<{ run: (...args: A) => Promise<void> }>;

function lazy<A extends unknown[]>(load: Loader<A>) {
  return async (...args: A) => {
    const module = await load();
    await module.run(...args);
  };
}

/** "netns (the embedded lab), kind (a real cluster in Docker)": the --backend help, from the registry. */
function backendSummaries(list: readonly Backend[]): string {
  return list.map((b) => `${b.name} (${b.capabilities.summary})`).join(', ');
}

export function buildProgram(): Command {
  const program = new Command('netbreak')
    .description('Break Kubernetes networking on purpose, then find and fix it with real tools.')
    .version('0.1.0')
    .option('--json', 'print machine-readable JSON')
    .option('--explain', 'print every system command netbreak runs')
    .showSuggestionAfterError(true)
    .configureOutput({ outputError: (text, write) => write(text.replace(/^error: /, 'netbreak: ')) });
  program.exitOverride();

  const labOption = () => new Option('--lab <name>', 'which lab (default: the only running one)');
  const backendOption = () =>
    new Option('--backend <name>', `where the lab runs: ${backendSummaries(backends)}, or auto (${AUTO_ORDER.join(' when this machine can run it, else ')})`)
      .choices(BACKEND_CHOICES)
      .default('auto');

  program
    .command('doctor')
    .description('what this machine can run, the learner toolbox, and leftovers')
    .addOption(backendOption().default(undefined, 'every backend'))
    .option('--fix', "install the Debian/Ubuntu packages the lab and the learner's toolbox need (apt-get; asks first)")
    .option('--yes', 'with --fix: install without asking (for scripts and the quick start)')
    .action(lazy(() => import('./commands/doctor.js')));
  program
    .command('list')
    .description('the scenario library')
    .option('--why', 'also say why a backend cannot run a scenario (it tells what the fault does)')
    .action(lazy(() => import('./commands/list.js')));
  program
    .command('start')
    .description('bring a lab up, inject the scenario fault, show the symptom')
    .argument('<scenario>', 'scenario id (see netbreak list)')
    .option('--lab <name>', 'lab name', 'netbreak')
    .option('--seed <n>', 'variant seed', (v) => Number(v))
    // A workshop machine (or a test run) can pin the backend once instead of on every start.
    .addOption(backendOption().env('NETBREAK_BACKEND'))
    .option('--context <name>', 'kubeconfig backend: the kubeconfig context of the shared cluster (required there)')
    .option('--kubeconfig <file>', 'kubeconfig backend: the kubeconfig file (default: $KUBECONFIG or ~/.kube/config)')
    .option('--learner <name>', 'kubeconfig backend: the learner whose namespaces these are (nb-NAME-…)')
    .action(lazy(() => import('./commands/start.js')));
  program
    .command('status')
    .description('scenario, elapsed time, hints, score, lab health')
    .addOption(labOption())
    .action(lazy(() => import('./commands/status.js')));
  program
    .command('kubeconfig')
    .description("print the path of the lab's kubeconfig, for kubectl: export KUBECONFIG=$(netbreak kubeconfig)")
    .addOption(labOption())
    .action(lazy(() => import('./commands/kubeconfig.js')));
  program
    .command('get')
    .description('list objects, like kubectl get')
    .argument('<kind>', 'pods, svc, endpoints, endpointslices, netpol, cm, ds, deploy, nodes, ns (or kind/name)')
    .argument('[name]', 'one object')
    .option('-n, --namespace <ns>', 'namespace', 'default')
    .option('-A, --all-namespaces', 'every namespace')
    .option('-o, --output <format>', 'wide, yaml or json')
    .option('--show-labels', 'add a LABELS column')
    .addOption(labOption())
    .action(lazy(() => import('./commands/get.js')));
  program
    .command('describe')
    .description('show one object in detail, like kubectl describe')
    .argument('<ref>', 'kind/name')
    .argument('[name]')
    .option('-n, --namespace <ns>', 'namespace', 'default')
    .addOption(labOption())
    .action(lazy(() => import('./commands/describe.js')));
  program
    .command('shell')
    .description('an interactive shell in a pod or node/<node> network namespace')
    .argument('<target>', 'pod name, deployment name, or node/<node>')
    .option('-n, --namespace <ns>', 'namespace', 'default')
    .addOption(labOption())
    .action(lazy(() => import('./commands/shell.js')));
  program
    .command('exec')
    .description('run a command in a pod or node/<node> network namespace')
    .argument('<target>', 'pod name, deployment name, or node/<node>')
    .argument('<command...>', 'the command, after --')
    .option('-n, --namespace <ns>', 'namespace', 'default')
    .addOption(labOption())
    .action(lazy(() => import('./commands/exec.js')));
  program
    .command('apply')
    .description('create or update objects from a manifest file')
    .requiredOption('-f, --filename <file>', 'manifest file (multi-document YAML)')
    .addOption(labOption())
    .action(lazy(() => import('./commands/apply.js')));
  program
    .command('delete')
    .description('delete the objects of a manifest file, or kind/name')
    .argument('[ref]', 'kind/name')
    .option('-f, --filename <file>', 'manifest file')
    .option('-n, --namespace <ns>', 'namespace', 'default')
    .addOption(labOption())
    .action(lazy(() => import('./commands/delete.js')));
  program
    .command('edit')
    .description('edit an object in $EDITOR and apply it')
    .argument('<ref>', 'kind/name')
    .option('-n, --namespace <ns>', 'namespace', 'default')
    .addOption(labOption())
    .action(lazy(() => import('./commands/edit.js')));
  program
    .command('hint')
    .description('the next hint (each costs points)')
    .addOption(labOption())
    .action(lazy(() => import('./commands/hint.js')));
  program
    .command('diagnose')
    .description('answer: which layer, which object, which cause, and one fact the lab shows (graded)')
    .option('--layer <layer>', 'non-interactive: the layer')
    .option('--object <ref>', 'non-interactive: Kind/namespace/name')
    .option('--cause <id>', 'non-interactive: the cause id (see --list-causes)')
    .option('--evidence <value>', 'non-interactive: the answer to the evidence question (see --list-causes)')
    .option('--list-causes', 'print the cause ids to choose from and the evidence question')
    .addOption(labOption())
    .action(lazy(() => import('./commands/diagnose.js')));
  program
    .command('check')
    .description('run the verify probes and guards; exit 0 when fixed')
    .addOption(labOption())
    .action(lazy(() => import('./commands/check.js')));
  program
    .command('solve')
    .description("apply the scenario's reference fix (for trainers and when stuck; the fix earns no points)")
    .addOption(labOption())
    .action(lazy(() => import('./commands/solve.js')));
  program
    .command('debrief')
    .description('what happened at the packet layer, and the commands that show it')
    .addOption(labOption())
    .action(lazy(() => import('./commands/debrief.js')));
  program
    .command('reset')
    .description('put the scenario back to its just-started state (undo every change)')
    .addOption(labOption())
    .action(lazy(() => import('./commands/reset.js')));
  program
    .command('stop')
    .description('tear the lab down (a kind cluster is kept for the next scenario unless --delete-cluster)')
    .addOption(labOption())
    .option('--delete-cluster', 'kind: also delete the kind cluster netbreak created (asks first)')
    .option('-y, --yes', 'do not ask before deleting a kind cluster')
    .action(lazy(() => import('./commands/stop.js')));
  program
    .command('clean')
    .description('remove every leftover of any netbreak lab (kind clusters netbreak created too, after asking)')
    .option('-y, --yes', 'do not ask before deleting a kind cluster')
    .action(lazy(() => import('./commands/clean.js')));
  program
    .command('progress')
    .description('mastery per layer, streaks, weakest layers and what to play next')
    .action(lazy(() => import('./commands/progress.js')));
  program
    .command('report')
    .description('a finished session as a document: debrief, answers, score, checks')
    .option('--session <id>', 'the session (an id or its prefix; default: the most recent)')
    .option('--all', 'every session in the history')
    .option('--exam <id>', "a finished exam's score table (an id, its prefix, or latest)")
    .addOption(new Option('--format <format>', 'document format').choices(['md', 'html', 'json', 'junit']).default('md'))
    .option('-o, --output <file>', 'write to a file instead of stdout')
    .action(lazy(() => import('./commands/report.js')));
  program
    .command('probe')
    .description('send one probe from a pod (http://, tcp://, udp://, dns://), or probe every pod to every pod with --matrix')
    .option('--from <ns/pod>', 'source pod (or deployment)')
    .option('--to <url>', 'target URL')
    .option('--matrix', 'probe every pod of --namespaces to every one of them and print a truth table')
    .option('--namespaces <list>', 'with --matrix: comma-separated namespaces (default: every namespace with pods, except kube-*)')
    .option('--port <n>', 'with --matrix: the port to probe', '80')
    .option('--protocol <p>', 'with --matrix: tcp or udp', 'tcp')
    .option('-o, --output <format>', 'json')
    .addOption(labOption())
    .action(lazy(() => import('./commands/probe.js')));

  const scenario = program.command('scenario').description('for scenario authors');
  scenario
    .command('validate')
    .description('check a scenario folder (or, without a path, the whole library): schema, manifests, references, every variant')
    .argument('[path]', 'a scenario folder, its scenario.yaml, or a folder of scenarios (default: the library)')
    .option('--variants <n>', 'check at most this many variants per scenario (default 64)', (v) => Number(v))
    .action(lazy(() => import('./commands/scenario-validate.js')));
  program
    .command('trace')
    .description('send one probe and show every hop: DNS, the rules it matched (and the objects behind them), routes, and where it died')
    .option('--from <ns/pod>', 'source pod (or deployment)')
    .option('--to <url>', 'target URL (http://, tcp://, udp://, dns://)')
    .option('--pcap <dir>', 'also capture with tcpdump on each interface along the path, one pcap per hop, into this folder')
    .option('-o, --output <format>', 'json')
    .addOption(labOption())
    .action(lazy(() => import('./commands/trace.js')));

  const exam = program.command('exam').description('a timed mock exam: seeded tasks across layers, no hints, one score table (docs/exam.md)');
  exam
    .command('start')
    .description('draw the tasks from a seed, show them with their weights, start task 1')
    .option('--count <n>', 'how many tasks', (v) => Number(v))
    .option('--minutes <n>', 'the time allowed (default: 12 per task, 120 for 10 tasks as on the CKA)', (v) => Number(v))
    .option('--seed <n>', 'the exam seed: the same seed sits the same tasks, variants and order', (v) => Number(v))
    .option('--layers <list>', 'comma-separated layers to draw from (default: all)')
    .option('--lab <name>', 'lab name', 'netbreak')
    .addOption(backendOption().env('NETBREAK_BACKEND'))
    .action(lazy(() => import('./commands/exam-start.js')));
  exam
    .command('status')
    .description('time left, task k of N, the task list; the score table once ended')
    .action(lazy(() => import('./commands/exam-status.js')));
  exam
    .command('next')
    .description('leave this task (graded as it stands) and open the next one')
    .action(lazy(() => import('./commands/exam-move.js')));
  exam
    .command('goto')
    .description('leave this task (graded as it stands) and open task N (its lab is built again)')
    .argument('<n>', 'task number')
    .action(lazy(() => import('./commands/exam-goto.js')));
  exam
    .command('flag')
    .description('flag a task to come back to, or unflag it')
    .argument('[n]', 'task number (default: the current one)')
    .action(lazy(() => import('./commands/exam-flag.js')));
  exam
    .command('end')
    .description('grade the task in progress, remove the lab, print the score table (exit 0 when passed)')
    .action(lazy(() => import('./commands/exam-end.js')));
  const workshop = program.command('workshop').description('a room of attendees on one live scoreboard, offline');
  workshop
    .command('serve')
    .description('open a room (or resume the saved one): join code, scoreboard page, exports')
    .option('--scenarios <list>', 'comma-separated scenario ids the room plays (required for a new room)')
    .option('--port <n>', 'port to listen on (0 picks a free one)', '7300')
    .option('--host <address>', 'address to listen on (default: every interface, so the room can reach it)', '0.0.0.0')
    .option('--duration <time>', 'how long results are accepted, like 90m or 1h30m (default: until ended)')
    .option('--title <text>', 'the room title on the scoreboard', 'netbreak workshop')
    .option('--new', 'start a new room even if one is saved (the old one is kept beside it)')
    .option('--host-labs', "run every attendee's lab and terminal on this machine: attendees join in a browser, nothing to install")
    .action(lazy(() => import('./commands/workshop-serve.js')));
  workshop
    .command('join')
    .description('join a room: your name, your token and your own variant of each scenario')
    .argument('<url>', 'the join URL the trainer shows (http://HOST:PORT/join/CODE)')
    .requiredOption('--name <name>', 'your name on the scoreboard and your lab name (lower-case letters, digits, dashes)')
    .option('--code <code>', 'the join code, when the URL does not end in /join/CODE')
    .action(lazy(() => import('./commands/workshop-join.js')));
  workshop
    .command('status')
    .description('your room, your seeds, your row of the scoreboard; sends reports still waiting')
    .action(lazy(() => import('./commands/workshop-status.js')));
  workshop
    .command('leave')
    .description('forget the room on this machine (your scores stay on the board)')
    .action(lazy(() => import('./commands/workshop-leave.js')));

  const images = program.command('images').description('the container images of the kind scenarios, preloaded for workshops without internet');
  images
    .command('list')
    .description('the probe image and every image of every variant of the scenarios that run on kind')
    .action(lazy(() => import('./commands/images-list.js')));
  images
    .command('pull')
    .description('pull each of them onto this machine (docker pull, or podman pull)')
    .action(lazy(() => import('./commands/images-pull.js')));
  images
    .command('load')
    .description('copy them into every node of a kind cluster netbreak created (kind load docker-image)')
    .option('--lab <name>', 'the kind lab or cluster (default: the only one netbreak created)')
    .action(lazy(() => import('./commands/images-load.js')));

  const lab = program.command('lab').description('an empty sandbox lab without a scenario');
  const standalone = backends.filter((b) => b.capabilities.standaloneLabs);
  lab
    .command('up')
    .description('nodes, CoreDNS and kube-proxy; nothing broken')
    .option('--name <name>', 'lab name', 'netbreak')
    .option('--nodes <n>', 'worker nodes (netns)', (v) => Number(v))
    .addOption(new Option('--proxy-mode <mode>', "kube-proxy's mode on every node (netns)").choices(['iptables', 'nftables']).default('iptables'))
    .addOption(new Option('--backend <name>', backendSummaries(standalone)).choices(standalone.map((b) => b.name)).default(DEFAULT_BACKEND.name))
    .action(lazy(() => import('./commands/lab-up.js')));
  lab
    .command('down')
    .description('remove a lab (a kind lab: delete its cluster, which netbreak created; asks first)')
    .option('--name <name>', 'lab name')
    .addOption(
      new Option('--backend <name>', 'which backend the lab runs on, when its lab folder is gone (kind: delete the cluster netbreak created)').choices(
        standalone.map((b) => b.name),
      ),
    )
    .option('-y, --yes', 'do not ask before deleting a kind cluster')
    .action(lazy(() => import('./commands/lab-down.js')));
  return program;
}
