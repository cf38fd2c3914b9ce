// `npm run bench`: the figures that say whether netbreak is fast, measured on
// this machine through the real CLI (what a learner waits for), printed as a
// table with each goal, and written as JSON. Runs as root or as an ordinary user
// (as root, the yardstick part also measures an ordinary user's labs). Not a test:
// it asserts nothing; read the figures.
//
//   npm run bench                 # full run (several minutes)
//   npm run bench -- --quick      # fewer repetitions, fewer labs
//   npm run bench -- --only scenarios,concurrent --labs 20   # some parts; labs started at once
//   npm run bench -- --only yardstick   # start/check/stop as ratios to bare `ip` plumbing, root and ordinary user
//   npm run bench -- --only api         # the lab API server: get pods -A, watch latency, a policy applied with kubectl
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { execa } from 'execa';
import YAML from 'yaml';
import { run } from '../exec.js';
import { matrixPods, runMatrix } from '../grading/matrix.js';
import { backendByName } from '../lab/backends.js';
import type { KubeObject } from '../k8s/objects.js';
import type { LabFootprint } from '../lab/lab.js';
import type { AttachedLab } from '../engine/current-lab.js';
import { silentProgress } from '../lab/progress.js';
import { measureApi } from './api-figures.js';
import { measureYardstick } from './yardstick.js';
import { summarize } from './stats.js';

/** The benchmark measures the embedded lab on purpose: the figures are its goals. */
const netns = backendByName('netns')!;
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BIN = path.join(ROOT, 'bin/netbreak.js');
const PARTS = ['yardstick', 'scenarios', 'matrix', 'concurrent', 'cycles', 'api'] as const;
const USAGE = `usage: npm run bench -- [--quick] [--only ${PARTS.join(',')}] [--labs N[,N…]]`;
function readFlags() {
  const { values } = parseArgs({
    options: { quick: { type: 'boolean', default: false }, only: { type: 'string' }, labs: { type: 'string' }, help: { type: 'boolean', default: false } },
  });
  const only = values.only?.split(',') ?? [...PARTS];
  const unknownPart = only.find((p) => !(PARTS as readonly string[]).includes(p));
  if (unknownPart) throw new Error(`--only ${unknownPart} is not a part of the benchmark: use ${PARTS.join(', ')}`);
  const labCounts = values.labs?.split(',').map(Number) ?? (values.quick ? [1, 5] : [1, 5, 10, 20]);
  if (labCounts.some((n) => !Number.isInteger(n) || n < 1)) throw new Error('--labs takes whole numbers of labs, for example --labs 1,20');
  return { quick: values.quick, help: values.help, only, labCounts };
}
let flags: ReturnType<typeof readFlags>;
try {
  flags = readFlags();
} catch (error) {
  process.stderr.write(`bench: ${(error as Error).message}\n${USAGE}\n`);
  process.exit(2);
}
if (flags.help) {
  console.log(USAGE);
  process.exit(0);
}
const { quick, only, labCounts } = flags;
const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'nb-bench-'));
process.env.NETBREAK_STATE_DIR = stateDir;
// Bench sessions are not the user's practice: their history goes to a folder removed at the end.
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'nb-bench-data-'));

/** Who runs the CLI: this process's user, or (from root) an ordinary user through setpriv, with folders of their own. */
interface Runner {
  label: string;
  wrap: string[];
  uid: number;
  stateDir: string;
  dataDir: string;
}
const self: Runner = { label: process.getuid?.() === 0 ? 'root' : 'ordinary user', wrap: [], uid: process.getuid?.() ?? 0, stateDir, dataDir };

async function cli(args: string[], as: Runner = self): Promise<{ ms: number; code: number; stdout: string }> {
  const started = performance.now();
  const argv = [...as.wrap, process.execPath, BIN, ...args];
  // The benchmark measures the embedded lab: no backend detection (which would also look for Docker and kind).
  const env = {
    NETBREAK_STATE_DIR: as.stateDir,
    NETBREAK_DATA_DIR: as.dataDir,
    NO_COLOR: '1',
    NETBREAK_BACKEND: 'netns',
    HOME: as.wrap.length ? as.stateDir : (process.env.HOME ?? ''),
  };
  const r = await execa(argv[0]!, argv.slice(1), { reject: false, env: { PATH: process.env.PATH, ...env } });
  return { ms: performance.now() - started, code: r.exitCode ?? -1, stdout: r.stdout };
}

async function must(args: string[], as: Runner = self): Promise<number> {
  const r = await cli(args, as);
  if (r.code !== 0) throw new Error(`netbreak ${args.join(' ')} failed (exit ${r.code})`);
  return r.ms;
}

interface Figure {
  name: string;
  value: number;
  unit: string;
  goal?: number;
  /** 'max': the figure must be at most the goal; 'min': at least. */
  kind?: 'max' | 'min';
  note?: string;
}
const figures: Figure[] = [];
const log = (text: string) => process.stderr.write(`${text}\n`);

/** An ordinary user (nobody) with folders of their own, for a benchmark started as root. */
function ordinaryUser(): Runner {
  const uid = 65534;
  const dirs = [fs.mkdtempSync(path.join(os.tmpdir(), 'nb-bench-user-')), fs.mkdtempSync(path.join(os.tmpdir(), 'nb-bench-user-data-'))];
  for (const dir of dirs) fs.chownSync(dir, uid, uid);
  return { label: 'ordinary user', wrap: ['setpriv', `--reuid=${uid}`, `--regid=${uid}`, '--clear-groups'], uid, stateDir: dirs[0]!, dataDir: dirs[1]! };
}

/** start → fault shown, check and stop of one scenario, as ratios to the yardstick, for root and an ordinary user side by side. */
async function yardstick(): Promise<void> {
  const reps = quick ? 3 : 5;
  const runners = process.getuid?.() === 0 ? [self, ordinaryUser()] : [self];
  const startRatio: Record<string, number> = {};
  try {
    for (const as of runners) {
      const start: number[] = [];
      const check: number[] = [];
      const stop: number[] = [];
      const bare: number[] = [];
      let pods = 0;
      for (let i = 0; i < reps; i++) {
        start.push(await must(['start', 'friday-merge', '--lab', 'bench-y', '--seed', '0'], as));
        if (i === 0) {
          const listed = JSON.parse((await cli(['get', 'pods', '-A', '-o', 'json', '--lab', 'bench-y'], as)).stdout) as {
            items: { spec: { hostNetwork?: boolean } }[];
          };
          pods = listed.items.filter((p) => !p.spec.hostNetwork).length;
        }
        check.push((await cli(['check', '--lab', 'bench-y'], as)).ms);
        stop.push(await must(['stop', '--lab', 'bench-y'], as));
        bare.push(await measureYardstick(2, pods, as.wrap, as.uid));
      }
      const y = summarize(bare).median;
      const ratio = (ms: number[]) => summarize(ms).median / 1000 / y;
      startRatio[as.label] = ratio(start);
      log(`  ${as.label}: yardstick ${y.toFixed(2)} s, start ${(summarize(start).median / 1000).toFixed(2)} s`);
      figures.push({ name: `${as.label}: yardstick, bare ip plumbing of 3 nodes and ${pods} pods (median of ${reps})`, value: y, unit: 's' });
      figures.push({
        name: `${as.label}: friday-merge start → fault shown, × yardstick`,
        value: startRatio[as.label]!,
        unit: '×',
        goal: 2,
        kind: 'max',
        note: `${(summarize(start).median / 1000).toFixed(2)} s`,
      });
      figures.push({ name: `${as.label}: check, × yardstick`, value: ratio(check), unit: '×', note: `${(summarize(check).median / 1000).toFixed(2)} s` });
      figures.push({ name: `${as.label}: stop, × yardstick`, value: ratio(stop), unit: '×', note: `${(summarize(stop).median / 1000).toFixed(2)} s` });
    }
    if (startRatio.root !== undefined && startRatio['ordinary user'] !== undefined) {
      figures.push({
        name: 'ordinary user start ratio ÷ root start ratio',
        value: startRatio['ordinary user'] / startRatio.root,
        unit: '×',
        goal: 1.1,
        kind: 'max',
      });
    }
  } finally {
    for (const as of runners.filter((r) => r !== self)) {
      await cli(['clean'], as);
      fs.rmSync(as.stateDir, { recursive: true, force: true });
      fs.rmSync(as.dataDir, { recursive: true, force: true });
    }
  }
}

async function scenarioTimings(): Promise<void> {
  const reps = quick ? 3 : 7;
  for (const id of ['friday-merge', 'after-the-pentest', 'afternoon-deploy']) {
    const start: number[] = [];
    const check: number[] = [];
    const reset: number[] = [];
    const stop: number[] = [];
    for (let i = 0; i < reps; i++) {
      start.push(await must(['start', id, '--lab', 'bench']));
      check.push((await cli(['check'])).ms);
      if (i === 0) reset.push(await must(['reset']));
      stop.push(await must(['stop']));
    }
    log(`  ${id}: start ${summarize(start).median.toFixed(0)} ms median`);
    const s = summarize(start);
    figures.push({
      name: `${id}: start → ready (median of ${s.n})`,
      value: s.median / 1000,
      unit: 's',
      goal: 1.5,
      kind: 'max',
      note: `min ${(s.min / 1000).toFixed(2)} s, max ${(s.max / 1000).toFixed(2)} s`,
    });
    figures.push({ name: `${id}: check (median)`, value: summarize(check).median / 1000, unit: 's', goal: 0.5, kind: 'max' });
    figures.push({ name: `${id}: stop (median)`, value: summarize(stop).median / 1000, unit: 's', goal: 1, kind: 'max' });
    figures.push({ name: `${id}: reset`, value: reset[0]! / 1000, unit: 's' });
  }
}

/** The lab API server's figures, on a lab running friday-merge (its pods and policies are what `get pods -A` lists). */
async function apiServer(): Promise<void> {
  await must(['start', 'friday-merge', '--lab', 'bench-api', '--seed', '0']);
  try {
    const kubeconfig = (await cli(['kubeconfig', '--lab', 'bench-api'])).stdout.trim();
    figures.push(...(await measureApi(await netns.attach('bench-api'), kubeconfig, quick)));
  } finally {
    await cli(['stop', '--lab', 'bench-api']);
  }
}

async function matrix(): Promise<void> {
  // Every backend's lab sends probes in batches (probe --matrix), beyond the Lab contract.
  const lab = (await netns.up('bench-matrix', {}, silentProgress)) as AttachedLab;
  try {
    const model = YAML.parseAllDocuments(fs.readFileSync(path.join(ROOT, 'test/fixtures/netpol-model.yaml'), 'utf8'))
      .map((d) => d.toJSON() as KubeObject)
      .filter(Boolean);
    await lab.apply(model);
    await lab.waitReady(
      model.filter((o) => o.kind === 'Pod').map((o) => ({ kind: 'Pod', namespace: o.metadata.namespace, name: o.metadata.name })),
      60_000,
    );
    // Deny ingress to z, so a third of the cells are blocked and cost a timeout.
    await lab.apply([
      {
        apiVersion: 'networking.k8s.io/v1',
        kind: 'NetworkPolicy',
        metadata: { name: 'deny', namespace: 'z' },
        spec: { podSelector: {}, policyTypes: ['Ingress'] },
      },
    ]);
    const pods = matrixPods(await lab.list('Pod'), ['x', 'y', 'z']);
    const started = performance.now();
    // The four tables at once, as a conformance run would send them.
    const tables = await Promise.all(
      [80, 81].flatMap((port) => (['tcp', 'udp'] as const).map((protocol) => runMatrix((r) => lab.probeMany(r), pods, { port, protocol }))),
    );
    const probes = tables.reduce((sum, t) => sum + t.results.length, 0);
    const fast = (performance.now() - started) / 1000;
    figures.push({ name: `probe matrix ${pods.length}×${pods.length}, ports 80+81, TCP+UDP (${probes} probes)`, value: fast, unit: 's', goal: 3, kind: 'max' });

    // The naive way: one process per probe (as kubectl-exec based tools do), one after another.
    const naiveStarted = performance.now();
    for (const port of [80, 81]) {
      for (const protocol of ['tcp', 'udp'] as const) {
        for (const from of pods) {
          for (const to of pods) {
            const argv = protocol === 'tcp' ? ['nc', '-z', '-w', '1', to.ip, String(port)] : ['sh', '-c', `echo hostname | nc -u -w 1 ${to.ip} ${port}`];
            await lab.podExec(from.ref.split('/')[0]!, from.ref.split('/')[1]!, argv);
          }
        }
      }
    }
    const naive = (performance.now() - naiveStarted) / 1000;
    figures.push({ name: `the same ${probes} probes, one process per probe`, value: naive, unit: 's' });
    figures.push({ name: 'matrix speed-up over one process per probe', value: naive / fast, unit: '×', goal: 10, kind: 'min' });
  } finally {
    await netns.down('bench-matrix');
  }
}

async function footprintOf(lab: string): Promise<LabFootprint> {
  const attached = await netns.attach(lab);
  if (!attached.footprint) throw new Error(`${netns.capabilities.title} does not report what its labs cost`);
  return attached.footprint();
}

async function concurrentLabs(): Promise<void> {
  for (const n of labCounts) {
    const names = Array.from({ length: n }, (_, i) => `bc${i}`);
    const started = performance.now();
    const starts = await Promise.all(names.map((name) => cli(['start', 'friday-merge', '--lab', name])));
    const ready = (performance.now() - started) / 1000;
    const memory = await Promise.all(names.map(footprintOf));
    let passed = 0;
    for (const name of names) {
      await cli(['solve', '--lab', name]);
      if ((await cli(['check', '--lab', name])).code === 0) passed++;
    }
    for (const name of names) await cli(['stop', '--lab', name]);
    const rss = summarize(memory.map((m) => m.rssMiB)).median;
    const pss = summarize(memory.map((m) => m.pssMiB)).median;
    figures.push({
      name: `${n} labs at once: all ready`,
      value: ready,
      unit: 's',
      note: `${starts.filter((s) => s.code === 0).length}/${n} started, ${passed}/${n} pass check after the fix`,
    });
    figures.push({
      name: `${n} labs at once: memory per lab (RSS)`,
      value: rss,
      unit: 'MiB',
      goal: 150,
      kind: 'max',
      note: `${memory[0]?.processes} process(es) per lab, serving ${memory[0]?.pods} pods as threads`,
    });
    figures.push({ name: `${n} labs at once: memory per lab (PSS, shared pages counted once)`, value: pss, unit: 'MiB', goal: 150, kind: 'max' });
  }
}

async function cycles(): Promise<void> {
  const count = quick ? 10 : 100;
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const started = performance.now();
    await must(['lab', 'up', '--name', 'cycle']);
    await must(['lab', 'down', '--name', 'cycle']);
    times.push(performance.now() - started);
  }
  const leftovers =
    (await run(['ip', 'netns', 'list'])).stdout.split('\n').filter((l) => l.startsWith('nb-cycle-')).length +
    (fs.existsSync(path.join(stateDir, 'labs/cycle')) ? 1 : 0);
  figures.push({ name: `${count} lab up/down cycles: time per cycle (median)`, value: summarize(times).median / 1000, unit: 's' });
  figures.push({ name: `${count} lab up/down cycles: leftovers`, value: leftovers, unit: '', goal: 0, kind: 'max' });
}

function verdict(f: Figure): string {
  if (f.goal === undefined) return '';
  const ok = f.kind === 'min' ? f.value >= f.goal : f.value <= f.goal;
  const ratio = f.goal === 0 ? '' : ` (${(f.value / f.goal).toFixed(2)} of goal)`;
  return `${ok ? 'meets' : 'MISSES'} ${f.kind === 'min' ? '≥' : '≤'} ${f.goal}${f.unit === '×' ? '×' : ` ${f.unit}`}${ratio}`;
}

async function main(): Promise<void> {
  log(
    `netbreak bench on ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}${quick ? ' (quick)' : ''}`,
  );
  try {
    if (only.includes('yardstick')) {
      log('yardstick: root and an ordinary user …');
      await yardstick();
    }
    if (only.includes('scenarios')) {
      log('scenario timings …');
      await scenarioTimings();
    }
    if (only.includes('matrix')) {
      log('probe matrix …');
      await matrix();
    }
    if (only.includes('concurrent')) {
      log('concurrent labs …');
      await concurrentLabs();
    }
    if (only.includes('cycles')) {
      log('start/stop cycles …');
      await cycles();
    }
    if (only.includes('api')) {
      log('lab API server …');
      await apiServer();
    }
  } finally {
    // Only the benchmark's own labs (its state folder's): other labs on this machine are left alone.
    for (const lab of await netns.labs()) await netns.down(lab);
    fs.rmSync(stateDir, { recursive: true, force: true });
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
  const width = Math.max(...figures.map((f) => f.name.length));
  for (const f of figures) {
    const value = f.unit === 'MiB' || f.unit === '×' || f.unit === 'ms' ? f.value.toFixed(1) : f.unit === 's' ? f.value.toFixed(2) : String(f.value);
    console.log(`${f.name.padEnd(width)}  ${`${value} ${f.unit}`.padStart(10)}  ${verdict(f)}${f.note ? `  [${f.note}]` : ''}`);
  }
  const out = path.join(ROOT, '.bench', `bench-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(
    out,
    JSON.stringify(
      { machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, memGiB: os.totalmem() / 2 ** 30, node: process.version }, quick, figures },
      null,
      2,
    ),
  );
  console.log(`\nJSON: ${out}`);
}

main().catch((error: Error) => {
  process.stderr.write(`bench failed: ${error.message}\n`);
  process.exitCode = 1;
});
