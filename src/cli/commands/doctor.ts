import type { Command } from 'commander';
import { run as exec, MissingBinaryError, runInteractive } from '../../exec.js';
import { UserError } from '../../errors.js';
import { aptInstallLine, LAB_BINARIES, missingBinaries, packagesFor, PACKAGE_OF, TOOLBOX as TOOLS } from '../../lab/host-packages.js';
import { interactive, yesNo } from '../prompts.js';
import { AUTO_ORDER, backends, type BackendChoice } from '../../lab/backends.js';
import { color, mark, printJson, println } from '../output.js';

async function present(tool: string): Promise<boolean> {
  try {
    return (await exec(['sh', '-c', `command -v ${tool}`])).exitCode === 0;
  } catch (error) {
    if (error instanceof MissingBinaryError) return false;
    throw error;
  }
}

/** The learner's toolbox, with the Debian/Ubuntu package of each tool. */
export const TOOLBOX = TOOLS.map((t) => ({ ...t, pkg: PACKAGE_OF[t.tool] ?? t.tool }));

/**
 * `doctor --fix`: installs the packages of every missing lab binary and toolbox
 * tool with apt-get (sudo when not root), after showing the exact command and
 * asking; --yes is the answer for scripts. Nothing missing: nothing runs.
 */
async function fix(yes: boolean, json: boolean): Promise<void> {
  const missing = missingBinaries([...new Set([...LAB_BINARIES, ...TOOLS.map((t) => t.tool)])]);
  if (missing.length === 0) {
    if (json) printJson({ installed: [], missing: [] });
    else println(`${mark(true)} the lab's and the toolbox's packages are all installed`);
    return;
  }
  const packages = packagesFor(missing);
  const root = process.getuid?.() === 0;
  const line = `${root ? '' : 'sudo '}apt-get update -qq && ${aptInstallLine(packages, root)}`;
  if (process.platform !== 'linux' || missingBinaries(['apt-get']).length) {
    throw new UserError(
      `${missing.join(', ')} are missing and this machine has no apt-get: install the packages ${packages.join(', ')} with its own package manager`,
      3,
    );
  }
  if (!yes) {
    if (!interactive()) throw new UserError(`doctor --fix would run "${line}" and asks first: run it again with --yes (or in a terminal)`, 2);
    if (!(await yesNo(`Install ${packages.join(', ')} with "${line}"?`, true)))
      throw new UserError('nothing installed: answer yes, or run the command doctor showed yourself', 130);
  }
  if (!json) println(`Installing ${packages.join(', ')}: ${color.cyan(line)}`);
  const sudo = root ? [] : ['sudo'];
  const env = { DEBIAN_FRONTEND: 'noninteractive' };
  // apt-get's own output goes to the terminal: a download may take a while, and its errors say what went wrong.
  if (
    (await runInteractive([...sudo, 'apt-get', 'update', '-qq'], env)) !== 0 ||
    (await runInteractive([...sudo, 'apt-get', 'install', '-y', '-qq', ...packages], env)) !== 0
  ) {
    throw new UserError(`"${line}" failed (apt-get's message is above): fix what it says, then run "netbreak doctor --fix" again`, 3);
  }
  const still = missingBinaries(missing);
  if (still.length) throw new UserError(`${still.join(', ')} still missing after installing ${packages.join(', ')}: check that /usr/sbin is on your PATH`, 3);
  if (json) printJson({ installed: packages, missing });
  else println(`${mark(true)} installed ${packages.join(', ')}`);
}

export async function run(options: { backend?: BackendChoice; fix?: boolean; yes?: boolean }, command: Command): Promise<void> {
  if (options.yes && !options.fix) throw new UserError('--yes belongs to --fix: run "netbreak doctor --fix --yes"');
  if (options.fix) return fix(Boolean(options.yes), Boolean(command.optsWithGlobals().json));
  const shown = backends.filter((b) => !options.backend || options.backend === 'auto' || b.name === options.backend);
  const backendReports = await Promise.all(shown.map(async (b) => ({ backend: b.name, ...(await b.available()) })));
  // What `start --backend auto` would pick for a scenario that runs everywhere.
  const auto =
    options.backend === 'auto' || !options.backend ? (AUTO_ORDER.find((name) => backendReports.find((r) => r.backend === name)?.ok) ?? null) : undefined;
  const tools = await Promise.all(TOOLBOX.map(async (t) => ({ ...t, present: await present(t.tool) })));
  const missing = tools.filter((t) => !t.present);
  const install = missing.length ? `apt-get install -y ${[...new Set(missing.map((t) => t.pkg))].join(' ')}` : null;
  // What every backend has on this machine, whichever --backend narrows the checks to.
  const sections = (await Promise.all(backends.map(async (b) => (await b.inventory?.()) ?? []))).flat();
  if (command.optsWithGlobals().json) {
    const inventory = Object.fromEntries(sections.map((s) => [s.key, s.items.map((i) => i.json)]));
    return printJson({ backends: backendReports, ...(auto !== undefined ? { auto } : {}), toolbox: tools, install, ...inventory });
  }

  println(color.bold('Backends'));
  for (const b of backendReports) println(`  ${mark(b.ok)} ${b.backend.padEnd(10)} ${b.ok ? b.detail : b.reason}`);
  if (auto !== undefined) println(`  --backend auto picks: ${auto ?? 'nothing on this machine (see above)'}`);
  println(color.bold('Toolbox'));
  for (const t of tools) println(`  ${mark(t.present)} ${t.tool.padEnd(10)} ${color.dim(t.why)}`);
  if (install) println(`  Install what is missing: ${color.cyan(install)}`);
  println(color.bold('Labs on this machine'));
  const items = sections.flatMap((s) => s.items);
  if (items.length === 0) println('  none');
  for (const item of items) println(`  ${item.lab}: ${item.leftover ? color.yellow(item.text) : item.text}`);
}
