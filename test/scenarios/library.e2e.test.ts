// Every scenario, end to end on the netns lab, through the real CLI: the fault
// shows, check fails, the reference fix passes check, a shotgun fix fails a
// guard, and stop leaves the host exactly as it was.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadScenario } from '../../src/scenario/loader.js';
import { netbreak, netbreakShell, ROOT } from '../helpers/cli.js';
import { hostNamespacesOf, hostNetworkState, labProcessesRunning } from '../helpers/host-state.js';
import { labGate } from '../helpers/lab-gate.js';

const labTests = labGate();

const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'nb-e2e-'));
const env = { NETBREAK_STATE_DIR: stateDir };
const LAB = 'e2e-library';
const cli = (...args: string[]) => netbreak(args, env);

/**
 * The shotgun fix a learner in a hurry would try, and the guard it must trip.
 * `{{ params.name }}` stands for the variant's value (start --json lists them);
 * a string guard is text the check output must contain. A `manifest` (params
 * filled in) is written to a file that `{{ file }}` in the args names. A `shell`
 * line runs as a learner types it (kubectl where netbreak has no command for the change).
 */
const SHOTGUN: Record<string, { args?: string[]; shell?: string; guard: RegExp | string; manifest?: string }> = {
  'friday-merge': {
    args: ['delete', 'netpol/{{ params.policy }}', '-n', '{{ params.namespace }}'],
    guard: 'NetworkPolicy/{{ params.namespace }}/{{ params.policy }} still exists',
  },
  'after-the-pentest': {
    args: ['delete', 'netpol/{{ params.policy }}', '-n', '{{ params.namespace }}'],
    guard: 'NetworkPolicy/{{ params.namespace }}/{{ params.policy }} still exists',
  },
  'afternoon-deploy': { args: ['delete', 'svc/api', '-n', '{{ params.namespace }}'], guard: 'Service/{{ params.namespace }}/api still exists' },
  'release-train': {
    args: ['delete', 'netpol/default-deny-ingress', '-n', '{{ params.namespace }}'],
    guard: 'NetworkPolicy/{{ params.namespace }}/default-deny-ingress still exists',
  },
  'monday-rollout': {
    args: ['delete', 'netpol/api-allow-{{ params.callerNamespace }}', '-n', '{{ params.namespace }}'],
    guard: /partners\/partner-sync → \S+ expects timeout\n\s+success/,
  },
  'checkout-outage': {
    args: ['delete', 'netpol/default-deny-ingress', '-n', '{{ params.namespace }}'],
    guard: 'NetworkPolicy/{{ params.namespace }}/default-deny-ingress still exists',
  },
  'reviewed-by-two': { args: ['delete', 'netpol/{{ params.policy }}', '-n', '{{ params.namespace }}'], guard: /\/reports → \S+ expects timeout\n\s+success/ },
  'refused-every-call': { args: ['delete', 'svc/api', '-n', '{{ params.namespace }}'], guard: 'Service/{{ params.namespace }}/api still exists' },
  'friday-release': { args: ['delete', 'deploy/api', '-n', '{{ params.namespace }}'], guard: 'Deployment/{{ params.namespace }}/api still exists' },
  'always-the-policy': {
    args: ['delete', 'netpol/{{ params.egressPolicy }}', '-n', '{{ params.namespace }}'],
    guard: /\/frontend → http:\/\/reports\S+ expects to fail\n\s+success/,
  },
  'could-not-resolve-host': { args: ['delete', 'cm/coredns', '-n', 'kube-system'], guard: /ConfigMap\/kube-system\/coredns still exists/ },
  'nothing-resolves': { args: ['delete', 'svc/kube-dns', '-n', 'kube-system'], guard: /Service\/kube-system\/kube-dns still exists/ },
  'only-the-frontend': {
    args: ['delete', 'netpol/{{ params.egressPolicy }}', '-n', '{{ params.namespace }}'],
    guard: /\/frontend → http:\/\/reports\S+ expects to fail\n\s+success/,
  },
  'happy-checkout': {
    args: ['exec', 'node/{{ params.nodes.frontend }}', '--', 'iptables', '-F'],
    guard: /\/frontend → http:\/\/ledger\S+ expects timeout\n\s+success/,
  },
  'overnight-quiet': {
    args: ['delete', 'netpol/default-deny-ingress', '-n', '{{ params.namespace }}'],
    guard: /\/frontend → http:\/\/reports\S+ expects to fail\n\s+success/,
  },
  'frontend-waits': { args: ['delete', 'ds/kube-proxy', '-n', 'kube-system'], guard: /DaemonSet\/kube-system\/kube-proxy still exists/ },
  'refused-after-upgrade': { args: ['delete', 'svc/api', '-n', '{{ params.namespace }}'], guard: 'Service/{{ params.namespace }}/api still exists' },
  'catalog-never-finishes': {
    args: ['exec', 'node/{{ params.nodes.server }}', '--', 'iptables', '-F'],
    guard: /\/frontend → http:\/\/ledger\S+ expects timeout\n\s+success/,
  },
  'fridays-two-changes': {
    args: ['delete', 'netpol/{{ params.egressPolicy }}', '-n', '{{ params.namespace }}'],
    guard: 'NetworkPolicy/{{ params.namespace }}/{{ params.egressPolicy }} still exists',
  },
  'one-worker-unhealthy': {
    args: ['exec', 'node/{{ params.node }}', '--', 'iptables', '-t', 'raw', '-F'],
    guard: /monitoring\/uptime → tcp:\/\/worker2?:2379 expects timeout\n\s+refused/,
  },
  'after-the-latency-work': { args: ['delete', 'svc/api', '-n', '{{ params.namespace }}'], guard: 'Service/{{ params.namespace }}/api still exists' },
  'always-the-same-clients': {
    args: ['delete', 'deploy/api-canary', '-n', '{{ params.namespace }}'],
    guard: 'Deployment/{{ params.namespace }}/api-canary still exists',
  },
  'ready-but-no-endpoints': { args: ['delete', 'svc/api', '-n', '{{ params.namespace }}'], guard: 'Service/{{ params.namespace }}/api still exists' },
  'connection-refused-on-80': { args: ['delete', 'svc/api', '-n', '{{ params.namespace }}'], guard: 'Service/{{ params.namespace }}/api still exists' },
  'one-worker-hangs': {
    args: ['exec', 'node/{{ params.node }}', '--', 'iptables', '-F'],
    guard: /monitoring\/uptime → http:\/\/orders-db\.\S+ expects timeout\n\s+success/,
  },
  'names-down-after-lunch': { args: ['delete', 'cm/coredns', '-n', 'kube-system'], guard: /ConfigMap\/kube-system\/coredns still exists/ },
  'one-worker-cut-off': {
    args: ['exec', 'node/{{ params.nodes.api }}', '--', 'sh', '-c', 'sysctl -w net.ipv4.ip_forward=1 && iptables -F'],
    guard: /\/frontend → http:\/\/ledger\S+ expects timeout\n\s+success/,
  },
  'after-the-allow-list': {
    args: ['exec', 'node/{{ params.nodes.mailer }}', '--', 'iptables', '-t', 'nat', '-I', 'POSTROUTING', '-j', 'MASQUERADE'],
    guard: /\/frontend → http:\/\/api\S+ expects success[^\n]*\n\s+timeout/,
  },
  'reports-lost-the-shards': {
    args: ['delete', 'netpol/reports-egress', '-n', '{{ params.namespace }}'],
    guard: 'NetworkPolicy/{{ params.namespace }}/reports-egress still exists',
  },
  'settlement-run-hangs': {
    args: ['delete', 'netpol/ledger-ingress', '-n', '{{ params.namespace }}'],
    guard: 'NetworkPolicy/{{ params.namespace }}/ledger-ingress still exists',
  },
  'search-cannot-reach-itself': {
    args: ['exec', 'node/{{ params.nodes.search }}', '--', 'iptables', '-t', 'nat', '-I', 'POSTROUTING', '1', '-j', 'MASQUERADE'],
    guard: /\/search → http:\/\/ledger\S+ expects success[^\n]*\n\s+timeout/,
  },
  'since-the-batch-pool': {
    // Take worker2 out of the batch pool instead of making kube-proxy tolerate it (deleting the DaemonSet is frontend-waits' shotgun).
    shell: 'KUBECONFIG=$(netbreak kubeconfig) kubectl taint node worker2 {{ params.pool.key }}-',
    guard: /Node\/worker2 keeps its taint \S+:NoExecute\n\s+the node's taints are now: none/,
  },
  'partner-feed-stopped': {
    // Put the old port back: the partner feed works again, the storefront (moved to the new port) does not.
    args: ['apply', '-f', '{{ file }}'],
    manifest: `{apiVersion: v1, kind: Service, metadata: {name: invoices, namespace: "{{ params.namespace }}"},
  spec: {clusterIP: "{{ params.address }}", selector: {app: "{{ params.invoicesLabel }}"}, ports: [{name: http, port: {{ params.port }}, targetPort: http}]}}`,
    guard: /\/storefront → http:\/\/invoices\S+ expects success[^\n]*\n\s+(refused|timeout)/,
  },
  'collector-stopped-shipping': {
    // Take the collector off the node's network: its lookups work again, and nothing answers on the node's port.
    args: ['apply', '-f', '{{ file }}'],
    manifest: `{apiVersion: apps/v1, kind: Deployment, metadata: {name: collector, namespace: "{{ params.namespace }}"},
  spec: {replicas: 1, selector: {matchLabels: {app: collector}}, template: {metadata: {labels: {app: collector}},
    spec: {nodeSelector: {kubernetes.io/hostname: "{{ params.nodes.collector }}"},
      containers: [{name: collector, image: "registry.k8s.io/e2e-test-images/agnhost:2.53", args: [netexec, "--http-port={{ params.collectorPort }}"]}]}}}}`,
    guard: /\/dashboard → http:\/\/worker2?:\d+\/ expects success[^\n]*\n\s+refused/,
  },
};

function fillParams(text: string, params: Record<string, string | number>): string {
  return text.replace(/\{\{\s*params\.([\w.]+)\s*\}\}/g, (_, name: string) => String(params[name]));
}

describe.skipIf(labTests.skip)(labTests.title('scenario library on the netns lab'), () => {
  let before: Record<string, string>;
  beforeAll(async () => {
    before = await hostNetworkState(LAB);
  });
  afterAll(async () => {
    await cli('clean');
    expect(await hostNetworkState(LAB)).toEqual(before);
    fs.rmSync(stateDir, { recursive: true, force: true });
  });
  // A case that failed half way leaves its lab: remove it, so the next case fails (or passes) for its own reasons.
  afterEach(async () => {
    const labs = path.join(stateDir, 'labs');
    if (fs.existsSync(labs) && fs.readdirSync(labs).length > 0) await cli('clean');
  });

  for (const [id, shotgun] of Object.entries(SHOTGUN)) {
    // A whole loop (start, evidence, diagnose, solve, shotgun, stop) is ~30 s alone; two lab files at a time on two cores can double it.
    it(`${id}: fault visible, reference fix passes, shotgun fix fails a guard, stop cleans up`, { timeout: 180_000 }, async () => {
      const start = await cli('start', id, '--lab', LAB, '--json');
      expect(start.stderr).toBe('');
      expect(start.code).toBe(0);
      expect(start.json().scenario).toBe(id);
      const params: Record<string, string | number> = start.json().params ?? {};
      // The seed is random: a failure names it, so that start --seed reproduces the variant.
      const variant = `${id} --seed ${start.json().seed}`;

      const broken = await cli('check', '--json');
      expect(broken.code, variant).toBe(1);
      expect(broken.json().items.filter((i: { kind: string; pass: boolean }) => i.kind === 'verify' && !i.pass).length, variant).toBeGreaterThan(0);

      // The evidence is on the lab, where the scenario says it shows, and a diagnosis that names it scores in full.
      const { diagnosis: key } = (await loadScenario(path.join(ROOT, 'scenarios', id), { seed: start.json().seed })).scenario;
      const shown = await netbreakShell(key.evidence.reveal, env);
      expect(shown.stdout.toLowerCase(), `${variant}: ${key.evidence.reveal} does not show ${key.evidence.answer}\n${shown.stderr}`).toContain(
        key.evidence.answer.toLowerCase(),
      );
      const diagnosed = await cli('diagnose', '--layer', key.layer, '--object', key.object, '--cause', key.cause, '--evidence', key.evidence.answer, '--json');
      expect(diagnosed.json().total, variant).toBe(100);

      expect((await cli('solve')).code, variant).toBe(0);
      const fixed = await cli('check', '--json');
      expect(
        fixed.json().items.filter((i: { pass: boolean }) => !i.pass),
        variant,
      ).toEqual([]);
      expect(fixed.code, variant).toBe(0);

      const file = path.join(stateDir, `${id}-shotgun.yaml`);
      if (shotgun.manifest) fs.writeFileSync(file, fillParams(shotgun.manifest, params));
      const shotgunArgs = (shotgun.args ?? []).map((a) => fillParams(a, params).replace('{{ file }}', file));
      const cheat = shotgun.shell ? await netbreakShell(fillParams(shotgun.shell, params), env) : await cli(...shotgunArgs);
      expect(cheat.code, `${variant}: ${cheat.stderr}`).toBe(0);
      const cheated = await cli('check');
      expect(cheated.code, variant).toBe(1);
      expect(cheated.stdout, variant).toMatch(typeof shotgun.guard === 'string' ? fillParams(shotgun.guard, params) : shotgun.guard);

      const status = await cli('status', '--json');
      expect(status.json().scenario).toBe(id);

      const stop = await cli('stop', '--json');
      expect(stop.code).toBe(0);
      expect(labProcessesRunning(stateDir, LAB)).toEqual([]);
      expect(await hostNamespacesOf(LAB)).toEqual([]);
      expect(fs.readdirSync(path.join(stateDir, 'labs'))).toEqual([]);
    });
  }
});
