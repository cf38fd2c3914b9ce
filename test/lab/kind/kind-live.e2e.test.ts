// The kind backend for real: Docker, kind v0.24+ and kubectl on this machine.
// Runs only with NETBREAK_E2E_KIND=1 (`NETBREAK_E2E_KIND=1 npm run test:kind`,
// and the kind workflow in CI); everywhere else it is skipped, saying so.
// Every library scenario that declares kind, one after another on one reused
// cluster: start (setup, healthy path, fault, symptom), the reference fix, the
// verify probes, stop (the cluster is kept), then the cluster is deleted at the
// end. Until this suite has passed on a machine with Docker, those declarations
// rest on the fake suite (library-on-kind.test.ts) and on reading upstream.
// Then one trace with --pcap, whose tcpdumps run in capture containers that
// join the node containers' network namespaces (the fakes in trace-on-kind.test.ts
// stand in for them elsewhere).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { revertJournal, runSteps, startScenario } from '../../../src/engine/start-scenario.js';
import { scenariosRoot } from '../../../src/engine/scenarios-root.js';
import { judgeProbe } from '../../../src/grading/probes.js';
import { kindBackend } from '../../../src/lab/kind/backend.js';
import { engineStatus } from '../../../src/lab/kind/docker.js';
import type { Progress } from '../../../src/lab/progress.js';
import { listScenarios } from '../../../src/scenario/loader.js';
import { run } from '../../../src/exec.js';
import { collectTrace } from '../../../src/trace/collect.js';

const ENABLED = process.env.NETBREAK_E2E_KIND === '1';
const LAB = 'netbreak-e2e';
const KEEP = process.env.NETBREAK_E2E_KEEP === '1';

if (!ENABLED) {
  // One line in the run's output, so nobody mistakes the skip for a pass.
  console.info('kind live suite skipped: set NETBREAK_E2E_KIND=1 on a machine with Docker (or podman), kind v0.24+ and kubectl, then run "npm run test:kind"');
}

const progress: Progress = {
  async step(title, work) {
    const started = Date.now();
    process.stderr.write(`  … ${title}\n`);
    const result = await work((detail) => process.stderr.write(`      ${detail}\n`));
    process.stderr.write(`  ✓ ${title} (${((Date.now() - started) / 1000).toFixed(1)} s)\n`);
    return result;
  },
};

describe.skipIf(!ENABLED)('kind backend, live (NETBREAK_E2E_KIND=1: Docker, kind v0.24+, kubectl)', () => {
  beforeAll(async () => {
    process.env.NETBREAK_STATE_DIR ??= fs.mkdtempSync(path.join(os.tmpdir(), 'netbreak-e2e-kind-'));
    const available = await kindBackend.available();
    expect(available, 'this machine cannot run the kind backend').toMatchObject({ ok: true });
  }, 60_000);

  afterAll(async () => {
    if (!ENABLED || KEEP) return;
    if ((await kindBackend.leftovers()).includes(LAB)) await kindBackend.down(LAB);
  }, 300_000);

  it(
    'runs every scenario end to end on one reused kind cluster',
    async () => {
      const { scenarios, errors } = await listScenarios(scenariosRoot(), { seed: 1 });
      expect(errors).toEqual([]);
      const onKind = scenarios.filter((s) => s.scenario.backends.includes('kind'));
      expect(onKind.length).toBeGreaterThan(0);
      for (const loaded of onKind) {
        process.stderr.write(`scenario ${loaded.scenario.id}\n`);
        await startScenario(loaded, { lab: LAB, seed: 1, backend: 'kind', progress });
        const lab = await kindBackend.attach(LAB);
        try {
          // Below the API: kube-proxy's chains on a node, through docker exec.
          const rules = await lab.nodeExec('worker', ['iptables-save', '-t', 'nat']);
          expect(rules.stdout).toContain('KUBE-SERVICES');
          await runSteps({ lab, manifests: loaded.manifests }, loaded.scenario.fix);
          for (const { probe } of loaded.scenario.verify) {
            let judged = await judgeProbe(lab, probe);
            for (let i = 0; i < 20 && !judged.pass; i++) {
              await new Promise((r) => setTimeout(r, 1000));
              judged = await judgeProbe(lab, probe);
            }
            expect(judged.pass, `${loaded.scenario.id}: ${probe.from} → ${probe.to} gave ${judged.outcome} (${judged.result.detail})`).toBe(true);
          }
        } finally {
          await revertJournal(lab, loaded);
          await kindBackend.release(LAB);
        }
      }
      expect(await kindBackend.leftovers()).toContain(LAB);
    },
    45 * 60_000,
  );

  it(
    'trace --pcap: tcpdump in capture containers beside the nodes, files on the path, no container left',
    async () => {
      const loaded = (await listScenarios(scenariosRoot(), { seed: 1 })).scenarios.find((s) => s.scenario.id === 'friday-merge')!;
      await startScenario(loaded, { lab: LAB, seed: 1, backend: 'kind', progress });
      const lab = await kindBackend.attach(LAB);
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netbreak-e2e-pcap-'));
      try {
        const { from, to } = loaded.scenario.symptom;
        const trace = await collectTrace(lab, { from, to, pcapDir: dir });
        expect(trace.verdict).toBe('dropped');
        const files = trace.pcaps ?? [];
        const summary = files.map((f) => `${path.basename(f.file)}: ${f.packets}`).join(', ');
        // The source pod's host-side veth sees the SYNs; the api's veth, behind kindnet's policy, none.
        expect(files.length, trace.notes.join('\n')).toBeGreaterThanOrEqual(2);
        expect(files[0]!.packets, summary).toBeGreaterThan(0);
        expect(files.at(-1)!.packets, summary).toBe(0);
        for (const f of files) expect(fs.statSync(f.file).uid).toBe(process.getuid!());
        expect(fs.readdirSync(dir).sort()).toEqual(files.map((f) => path.basename(f.file)).sort());
        const engine = await engineStatus();
        const left = await run([engine.ok ? engine.engine : 'docker', 'ps', '-a', '--filter', 'label=netbreak.dev/capture', '--format', '{{.Names}}']);
        expect(left.stdout.trim()).toBe('');
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
        await revertJournal(lab, loaded);
        await kindBackend.release(LAB);
      }
    },
    15 * 60_000,
  );
});
