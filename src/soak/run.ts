// `npm run soak`: the long reliability run, not part of `npm test`. Needs root.
//
//   1. start/stop cycles through the real CLI, over every scenario with a new
//      seed each time: each must succeed and leave nothing (no namespace,
//      process, /etc/netns folder or state file), and the host's network must
//      be the same at the end as at the beginning;
//   2. checks on unchanged labs (one per scenario, checked side by side): every
//      check of a lab must give the same verdict, item by item, down to the
//      probe outcome (refused, timeout, nxdomain …), not only pass or fail;
//   3. the scenario loader fuzz (test/scenario/fuzz.test.ts) at a larger count.
//
// It prints progress on stderr and one summary line on stdout; it exits 1 when
// any figure is wrong.
//
//   npm run soak                                     # 100 cycles, 1000 checks, 30000 fuzz cases
//   npm run soak -- --cycles 10 --checks 60 --fuzz 3000 --lab soak
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { execa } from 'execa';
import { readSession } from '../engine/session.js';
import { runCheck, type CheckReport } from '../grading/check.js';
import { backendByName } from '../lab/backends.js';
import { loadScenario } from '../scenario/loader.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BIN = path.join(ROOT, 'bin/netbreak.js');
const SCENARIOS = ['friday-merge', 'after-the-pentest', 'afternoon-deploy'];

const { values: flags } = parseArgs({
  options: {
    cycles: { type: 'string', default: '100' },
    checks: { type: 'string', default: '1000' },
    fuzz: { type: 'string', default: '30000' },
    lab: { type: 'string', default: 'soak' },
  },
});
const count = (name: 'cycles' | 'checks' | 'fuzz') => {
  const n = Number(flags[name]);
  if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} takes a whole number, for example --${name} 10`);
  return n;
};
const CYCLES = count('cycles');
const CHECKS = count('checks');
const FUZZ = count('fuzz');
const LAB = flags.lab;
/** The soak drives the embedded lab on purpose: its labs are quick to make, so a hundred cycles fit in minutes. */
const netns = backendByName('netns')!;

const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'nb-soak-'));
process.env.NETBREAK_STATE_DIR = stateDir;
// The soak's hundred finished sessions must not land in the learner's own history.
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'nb-soak-data-'));
const log = (text: string) => process.stderr.write(`${text}\n`);
const ownLabs = new Set<string>();

async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const r = await execa(process.execPath, [BIN, ...args], { reject: false, env: { NETBREAK_STATE_DIR: stateDir, NETBREAK_DATA_DIR: dataDir, NO_COLOR: '1' } });
  return { code: r.exitCode ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** What netbreak promises never to change: the host's rules, routes, interfaces, addresses and forwarding sysctls (counters left out). */
async function hostFingerprint(): Promise<string> {
  const out = async (argv: string[]) => {
    const r = await execa(argv[0]!, argv.slice(1), { reject: false });
    return `$ ${argv.join(' ')} (${r.exitCode})\n${r.stdout}`;
  };
  return [
    (await out(['iptables-save']))
      .split('\n')
      .filter((l) => !l.startsWith('#'))
      .map((l) => l.replace(/\[\d+:\d+\]/g, ''))
      .join('\n'),
    await out(['nft', 'list', 'ruleset']),
    await out(['ip', 'route', 'show', 'table', 'all']),
    (await out(['ip', '-o', 'link'])).replace(/\s+link\/\S+.*$/gm, ''),
    await out(['ip', '-o', 'addr']),
    await out(['sysctl', 'net.ipv4.ip_forward', 'net.ipv4.conf.all.forwarding', 'net.ipv4.conf.all.rp_filter', 'net.ipv4.conf.default.rp_filter']),
  ].join('\n');
}

/**
 * How many things of one lab were still on the machine (process, namespace, /etc/netns folder, state folder):
 * the backend's down() finds them as `netbreak clean` would, removes them and names each; none when nothing was left.
 */
async function removeLeftovers(lab: string): Promise<number> {
  return (await netns.down(lab)).removed.length;
}

interface CycleFigures {
  ok: number;
  failures: string[];
  leftovers: number;
  seconds: number[];
}

async function cycles(): Promise<CycleFigures> {
  const figures: CycleFigures = { ok: 0, failures: [], leftovers: 0, seconds: [] };
  const lab = `${LAB}-cycle`;
  ownLabs.add(lab);
  for (let i = 0; i < CYCLES; i++) {
    const id = SCENARIOS[i % SCENARIOS.length]!;
    const started = performance.now();
    const start = await cli(['start', id, '--lab', lab, '--seed', String(i + 1), '--json']);
    const stop = await cli(['stop', '--lab', lab, '--json']);
    figures.seconds.push((performance.now() - started) / 1000);
    const left = await removeLeftovers(lab);
    figures.leftovers += left;
    if (start.code === 0 && stop.code === 0 && left === 0) figures.ok++;
    else
      figures.failures.push(
        `cycle ${i + 1} (${id}, seed ${i + 1}): start ${start.code}, stop ${stop.code}, ${left} leftover(s) ${start.stderr.trim().split('\n').at(-1) ?? ''}`,
      );
    if ((i + 1) % 10 === 0) log(`  ${i + 1}/${CYCLES} cycles, ${figures.failures.length} failed, ${figures.leftovers} leftover(s)`);
  }
  return figures;
}

/** A check's verdict, item by item: what was checked, pass or fail, and the probe's outcome (the detail up to its first colon). */
function verdict(report: CheckReport): string {
  return report.items.map((i) => `${i.kind} ${i.description}: ${i.pass ? 'pass' : 'fail'} (${i.detail.split(':')[0]})`).join('; ');
}

interface CheckFigures {
  total: number;
  changed: number;
  examples: string[];
  seconds: number;
}

async function stableChecks(): Promise<CheckFigures> {
  const labs = SCENARIOS.map((id, i) => ({ id, lab: `${LAB}-check-${i + 1}` }));
  for (const { lab } of labs) ownLabs.add(lab);
  const started = performance.now();
  const figures: CheckFigures = { total: 0, changed: 0, examples: [], seconds: 0 };
  const starts = await Promise.all(labs.map(({ id, lab }) => cli(['start', id, '--lab', lab, '--seed', '1', '--json'])));
  starts.forEach((s, i) => {
    if (s.code !== 0) throw new Error(`could not start ${labs[i]!.id} for the checks: ${s.stderr.trim()}`);
  });
  const perLab = labs.map((_, i) => Math.floor(CHECKS / labs.length) + (i < CHECKS % labs.length ? 1 : 0));
  // The labs are checked side by side, each one check after another, as separate learners would.
  await Promise.all(
    labs.map(async ({ id, lab }, i) => {
      const session = readSession(lab)!;
      const loaded = await loadScenario(session.scenarioDir, { seed: session.seed });
      const attached = await netns.attach(lab);
      let first: string | undefined;
      for (let n = 0; n < perLab[i]!; n++) {
        const now = verdict(await runCheck(attached, loaded.scenario));
        figures.total++;
        first ??= now;
        if (now !== first) {
          figures.changed++;
          if (figures.examples.length < 3) figures.examples.push(`${id} check ${n + 1}: ${now} (first: ${first})`);
        }
      }
      log(`  ${id}: ${perLab[i]} checks done`);
    }),
  );
  figures.seconds = (performance.now() - started) / 1000;
  for (const { lab } of labs) await cli(['stop', '--lab', lab]);
  return figures;
}

async function fuzz(): Promise<{ ok: boolean; seconds: number; tail: string }> {
  const started = performance.now();
  const r = await execa(process.execPath, [path.join(ROOT, 'node_modules/vitest/vitest.mjs'), 'run', 'test/scenario/fuzz.test.ts'], {
    cwd: ROOT,
    reject: false,
    env: { NETBREAK_FUZZ_CASES: String(FUZZ), NO_COLOR: '1', CI: '1' },
    all: true,
  });
  return {
    ok: r.exitCode === 0,
    seconds: (performance.now() - started) / 1000,
    tail: String(r.all ?? '')
      .trim()
      .split('\n')
      .slice(-15)
      .join('\n'),
  };
}

async function main(): Promise<void> {
  const availability = await netns.available();
  if (!availability.ok) throw new Error(`the soak starts netns labs: ${availability.reason}`);
  const onSignal = () => {
    log('interrupted: removing the soak labs');
    void Promise.all([...ownLabs].map((lab) => netns.down(lab))).finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const hostBefore = await hostFingerprint();
  const began = performance.now();
  try {
    log(`soak: ${CYCLES} start/stop cycles …`);
    const c = await cycles();
    log(`soak: ${CHECKS} checks on unchanged labs …`);
    const k = CHECKS > 0 ? await stableChecks() : { total: 0, changed: 0, examples: [], seconds: 0 };
    for (const lab of ownLabs) await removeLeftovers(lab);
    const hostSame = (await hostFingerprint()) === hostBefore;
    log(`soak: loader fuzz, ${FUZZ} cases …`);
    const f = FUZZ > 0 ? await fuzz() : { ok: true, seconds: 0, tail: '' };

    for (const line of c.failures.slice(0, 5)) log(`  FAILED ${line}`);
    for (const line of k.examples) log(`  CHANGED ${line}`);
    if (!f.ok) log(f.tail);
    const median = [...c.seconds].sort((a, b) => a - b)[Math.floor(c.seconds.length / 2)] ?? 0;
    const ok = c.ok === CYCLES && c.leftovers === 0 && hostSame && k.changed === 0 && f.ok;
    console.log(
      `soak ${ok ? 'passed' : 'FAILED'}: ${c.ok}/${CYCLES} start/stop cycles ok (median ${median.toFixed(1)} s), ${c.leftovers} leftovers, host network ${hostSame ? 'unchanged' : 'CHANGED'}; ` +
        `${k.total} checks, ${k.changed} verdict changes (${k.seconds.toFixed(0)} s); ` +
        `loader fuzz ${FUZZ} cases ${f.ok ? 'passed' : 'FAILED'} (${f.seconds.toFixed(0)} s); total ${((performance.now() - began) / 1000).toFixed(0)} s`,
    );
    if (!ok) process.exitCode = 1;
  } finally {
    for (const lab of ownLabs) if (fs.existsSync(path.join(stateDir, 'labs', lab))) await netns.down(lab);
    fs.rmSync(stateDir, { recursive: true, force: true });
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: Error) => {
  process.stderr.write(`soak failed: ${error.message}\n`);
  process.exitCode = 1;
});
