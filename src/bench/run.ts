// `npm run bench`: the figures that say whether netbreak is fast, measured on
// this machine through the real CLI (what a learner waits for), printed as a
// table with each goal, and written as JSON. Needs root. Not a test: it asserts
// nothing; read the figures.
//
//   npm run bench                 # full run (several minutes)
//   npm run bench -- --quick      # fewer repetitions, fewer labs
//   npm run bench -- --only scenarios,concurrent --labs 20   # some parts; labs started at once
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { execa } from 'execa';
import YAML from 'yaml';
import { run } from '../exec.js';
import { matrixPods, runMatrix } from '../grading/matrix.js';
import { netnsBackend } from '../lab/netns/backend.js';
import { podNetns } from '../lab/netns/names.js';
import type { KubeObject } from '../k8s/objects.js';
import { silentProgress } from '../lab/progress.js';
import { labMemory } from './lab-memory.js';
import { summarize } from './stats.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BIN = path.join(ROOT, 'bin/netbreak.js');
const PARTS = ['scenarios', 'matrix', 'concurrent', 'cycles'] as const;
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

async function cli(args: string[]): Promise<{ ms: number; code: number; stdout: string }> {
  const started = performance.now();
  const r = await execa(process.execPath, [BIN, ...args], { reject: false, env: { NETBREAK_STATE_DIR: stateDir, NETBREAK_DATA_DIR: dataDir, NO_COLOR: '1' } });
  return { ms: performance.now() - started, code: r.exitCode ?? -1, stdout: r.stdout };
}

async function must(args: string[]): Promise<number> {
  const r = await cli(args);
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
    figures.push({ name: `${id}: start → ready (median of ${s.n})`, value: s.median / 1000, unit: 's', goal: 1.5, kind: 'max', note: `min ${(s.min / 1000).toFixed(2)} s, max ${(s.max / 1000).toFixed(2)} s` });
    figures.push({ name: `${id}: check (median)`, value: summarize(check).median / 1000, unit: 's', goal: 0.5, kind: 'max' });
    figures.push({ name: `${id}: stop (median)`, value: summarize(stop).median / 1000, unit: 's', goal: 1, kind: 'max' });
    figures.push({ name: `${id}: reset`, value: reset[0]! / 1000, unit: 's' });
  }
}

async function matrix(): Promise<void> {
  const lab = await netnsBackend.up('bench-matrix', {}, silentProgress);
  try {
    const model = YAML.parseAllDocuments(fs.readFileSync(path.join(ROOT, 'test/fixtures/netpol-model.yaml'), 'utf8'))
      .map((d) => d.toJSON() as KubeObject)
      .filter(Boolean);
    await lab.apply(model);
    await lab.waitReady(model.filter((o) => o.kind === 'Pod').map((o) => ({ kind: 'Pod', namespace: o.metadata.namespace, name: o.metadata.name })), 60_000);
    // Deny ingress to z, so a third of the cells are blocked and cost a timeout.
    await lab.apply([{ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'deny', namespace: 'z' }, spec: { podSelector: {}, policyTypes: ['Ingress'] } }]);
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
            await run(['ip', 'netns', 'exec', podNetns('bench-matrix', from.ref.split('/')[0]!, from.ref.split('/')[1]!), ...argv]);
          }
        }
      }
    }
    const naive = (performance.now() - naiveStarted) / 1000;
    figures.push({ name: `the same ${probes} probes, one process per probe`, value: naive, unit: 's' });
    figures.push({ name: 'matrix speed-up over one process per probe', value: naive / fast, unit: '×', goal: 10, kind: 'min' });
  } finally {
    await netnsBackend.down('bench-matrix');
  }
}

async function concurrentLabs(): Promise<void> {
  for (const n of labCounts) {
    const names = Array.from({ length: n }, (_, i) => `bc${i}`);
    const started = performance.now();
    const starts = await Promise.all(names.map((name) => cli(['start', 'friday-merge', '--lab', name])));
    const ready = (performance.now() - started) / 1000;
    const memory = await Promise.all(names.map((name) => labMemory(name)));
    let passed = 0;
    for (const name of names) {
      await cli(['solve', '--lab', name]);
      if ((await cli(['check', '--lab', name])).code === 0) passed++;
    }
    for (const name of names) await cli(['stop', '--lab', name]);
    const rss = summarize(memory.map((m) => m.rssMiB)).median;
    const pss = summarize(memory.map((m) => m.pssMiB)).median;
    figures.push({ name: `${n} labs at once: all ready`, value: ready, unit: 's', note: `${starts.filter((s) => s.code === 0).length}/${n} started, ${passed}/${n} pass check after the fix` });
    figures.push({ name: `${n} labs at once: memory per lab (RSS)`, value: rss, unit: 'MiB', goal: 150, kind: 'max', note: `${memory[0]?.processes} process(es) per lab, serving ${memory[0]?.pods} pods as threads` });
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
  const leftovers = (await run(['ip', 'netns', 'list'])).stdout.split('\n').filter((l) => l.startsWith('nb-cycle-')).length + (fs.existsSync(path.join(stateDir, 'labs/cycle')) ? 1 : 0);
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
  if (process.getuid?.() !== 0) throw new Error('the benchmark starts netns labs and needs root');
  log(`netbreak bench on ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}${quick ? ' (quick)' : ''}`);
  try {
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
  } finally {
    // Only the benchmark's own labs (its state folder's): other labs on this machine are left alone.
    for (const lab of await netnsBackend.labs()) await netnsBackend.down(lab);
    fs.rmSync(stateDir, { recursive: true, force: true });
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
  const width = Math.max(...figures.map((f) => f.name.length));
  for (const f of figures) {
    const value = f.unit === 'MiB' || f.unit === '×' ? f.value.toFixed(1) : f.unit === 's' ? f.value.toFixed(2) : String(f.value);
    console.log(`${f.name.padEnd(width)}  ${`${value} ${f.unit}`.padStart(10)}  ${verdict(f)}${f.note ? `  [${f.note}]` : ''}`);
  }
  const out = path.join(ROOT, '.bench', `bench-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, JSON.stringify({ machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, memGiB: os.totalmem() / 2 ** 30, node: process.version }, quick, figures }, null, 2));
  console.log(`\nJSON: ${out}`);
}

main().catch((error: Error) => {
  process.stderr.write(`bench failed: ${error.message}\n`);
  process.exitCode = 1;
});
