// The lab API server's figures for `npm run bench -- --only api`, on a lab running a
// scenario: how long the server takes to answer `kubectl get pods -A` (its Table request,
// timed on one kept-alive connection, beside GET /version on the same connection, the floor
// of loopback TLS and Node's HTTP), how soon a watch sees a change, and how soon a
// NetworkPolicy applied with kubectl is enforced on packets.
import fs from 'node:fs';
import https from 'node:https';
import { execa } from 'execa';
import YAML from 'yaml';
import type { Lab } from '../lab/lab.js';
import { summarize } from './stats.js';

export interface ApiFigure {
  name: string;
  value: number;
  unit: string;
  goal?: number;
  kind?: 'max' | 'min';
  note?: string;
}

/** What kubectl sends for `get`: the Table form, falling back to plain JSON. */
const TABLE_ACCEPT = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json';

interface Endpoint {
  server: URL;
  ca: string;
  token: string;
  agent: https.Agent;
}

function endpointOf(kubeconfig: string): Endpoint {
  const config = YAML.parse(fs.readFileSync(kubeconfig, 'utf8')) as {
    clusters: { cluster: { server: string; 'certificate-authority-data': string } }[];
    users: { user: { token: string } }[];
  };
  const cluster = config.clusters[0]!.cluster;
  return {
    server: new URL(cluster.server),
    ca: Buffer.from(cluster['certificate-authority-data'], 'base64').toString(),
    token: config.users[0]!.user.token,
    agent: new https.Agent({ keepAlive: true, maxSockets: 4 }),
  };
}

function call(ep: Endpoint, method: string, path: string, headers: Record<string, string> = {}, body?: unknown): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : JSON.stringify(body);
    const req = https.request(
      {
        host: ep.server.hostname,
        port: ep.server.port,
        method,
        path,
        ca: ep.ca,
        agent: ep.agent,
        headers: { authorization: `Bearer ${ep.token}`, ...(data ? { 'content-type': 'application/json' } : {}), ...headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString() }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(data);
  });
}

/** Milliseconds of `reps` calls, after three untimed ones (TLS handshake, first-use costs). */
async function timed(reps: number, once: () => Promise<unknown>): Promise<number[]> {
  for (let i = 0; i < 3; i++) await once();
  const ms: number[] = [];
  for (let i = 0; i < reps; i++) {
    const started = performance.now();
    await once();
    ms.push(performance.now() - started);
  }
  return ms;
}

async function getPodsFigures(ep: Endpoint, kubeconfig: string, reps: number): Promise<ApiFigure[]> {
  const list = await call(ep, 'GET', '/api/v1/pods?limit=500', { accept: TABLE_ACCEPT });
  if (list.status !== 200) throw new Error(`GET /api/v1/pods answered ${list.status}: ${list.text.slice(0, 200)}`);
  const rows = (JSON.parse(list.text) as { rows: unknown[] }).rows.length;
  const table = summarize(await timed(reps, () => call(ep, 'GET', '/api/v1/pods?limit=500', { accept: TABLE_ACCEPT })));
  const version = summarize(await timed(reps, () => call(ep, 'GET', '/version')));
  const env = { KUBECONFIG: kubeconfig, HOME: fs.mkdtempSync('/tmp/nb-bench-kubectl-') };
  const kubectl = (args: string[]) => execa('kubectl', args, { env }).then(() => undefined);
  const wall = summarize(await timed(Math.min(reps, 10), () => kubectl(['get', 'pods', '-A'])));
  const client = summarize(await timed(Math.min(reps, 10), () => kubectl(['version', '--client'])));
  fs.rmSync(env.HOME, { recursive: true, force: true });
  return [
    {
      name: `API: kubectl get pods -A, server time of its Table request (${rows} pods, median of ${table.n})`,
      value: table.median,
      unit: 'ms',
      goal: 100,
      kind: 'max',
      note: `p90 ${table.p90.toFixed(1)} ms`,
    },
    { name: 'API: yardstick, GET /version on the same connection (median)', value: version.median, unit: 'ms', note: `p90 ${version.p90.toFixed(1)} ms` },
    {
      name: 'API: kubectl get pods -A, whole command (median)',
      value: wall.median,
      unit: 'ms',
      note: `kubectl version --client alone: ${client.median.toFixed(0)} ms`,
    },
  ];
}

/** Time from sending a write to its event arriving on a watch opened before it. */
async function watchFigure(ep: Endpoint, reps: number): Promise<ApiFigure> {
  const namespace = 'default';
  const listed = JSON.parse((await call(ep, 'GET', `/api/v1/namespaces/${namespace}/configmaps`)).text) as { metadata: { resourceVersion: string } };
  const seen = new Map<string, number>();
  const waiting = new Map<string, () => void>();
  const watch = https.request({
    host: ep.server.hostname,
    port: ep.server.port,
    path: `/api/v1/namespaces/${namespace}/configmaps?watch=1&resourceVersion=${listed.metadata.resourceVersion}`,
    ca: ep.ca,
    headers: { authorization: `Bearer ${ep.token}` },
  });
  const opened = new Promise<void>((resolve, reject) => {
    watch.on('response', (res) => {
      let buffered = '';
      res.on('data', (chunk: Buffer) => {
        buffered += chunk.toString();
        let newline = buffered.indexOf('\n');
        while (newline >= 0) {
          const event = JSON.parse(buffered.slice(0, newline)) as { object: { metadata: { name: string } } };
          buffered = buffered.slice(newline + 1);
          seen.set(event.object.metadata.name, performance.now());
          waiting.get(event.object.metadata.name)?.();
          newline = buffered.indexOf('\n');
        }
      });
      resolve();
    });
    watch.on('error', reject);
  });
  watch.end();
  await opened;
  const latencies: number[] = [];
  try {
    for (let i = 0; i < reps + 3; i++) {
      const name = `bench-watch-${i}`;
      const arrived = new Promise<void>((resolve) => waiting.set(name, resolve));
      const started = performance.now();
      await call(
        ep,
        'POST',
        `/api/v1/namespaces/${namespace}/configmaps`,
        {},
        { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: { i: String(i) } },
      );
      await Promise.race([
        arrived,
        new Promise((_, reject) => setTimeout(() => reject(new Error(`the watch did not see ConfigMap ${name} within 5 s`)), 5000)),
      ]);
      if (i >= 3) latencies.push(seen.get(name)! - started);
    }
  } finally {
    watch.destroy();
    for (let i = 0; i < reps + 3; i++) await call(ep, 'DELETE', `/api/v1/namespaces/${namespace}/configmaps/bench-watch-${i}`);
  }
  const s = summarize(latencies);
  return {
    name: `API: a create seen by a watch opened before it (median of ${s.n})`,
    value: s.median,
    unit: 'ms',
    goal: 100,
    kind: 'max',
    note: `p90 ${s.p90.toFixed(1)} ms`,
  };
}

const POLICY_APP = `apiVersion: v1
kind: Namespace
metadata: {name: bench-np}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: server, namespace: bench-np}
spec:
  selector: {matchLabels: {app: server}}
  template:
    metadata: {labels: {app: server}}
    spec: {containers: [{name: web, image: registry.k8s.io/e2e-test-images/agnhost:2.53, args: [netexec, --http-port=8080]}]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: client, namespace: bench-np}
spec:
  selector: {matchLabels: {app: client}}
  template:
    metadata: {labels: {app: client}}
    spec: {containers: [{name: web, image: registry.k8s.io/e2e-test-images/agnhost:2.53, args: [netexec, --http-port=8080]}]}
`;

const DENY = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: server-deny-ingress, namespace: bench-np}
spec: {podSelector: {matchLabels: {app: server}}, policyTypes: [Ingress]}
`;

/** The address of the first Ready pod with `selector` in bench-np, once there is one (a minute at most). */
async function readyPodIP(kubectl: (args: string[]) => Promise<{ stdout: string }>, selector: string): Promise<string> {
  const until = Date.now() + 60_000;
  for (;;) {
    const pods = JSON.parse((await kubectl(['get', 'pods', '-n', 'bench-np', '-l', selector, '-o', 'json'])).stdout) as {
      items: { status: { podIP?: string; conditions?: { type: string; status: string }[] } }[];
    };
    const ready = pods.items.find((p) => p.status.podIP && p.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'));
    if (ready) return ready.status.podIP!;
    if (Date.now() > until) throw new Error(`no pod with ${selector} in namespace bench-np got Ready within a minute`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Time from `kubectl apply` of a deny-ingress policy until a probe to the pod it selects fails, and from its deletion until one passes. */
async function policyFigures(lab: Lab, kubeconfig: string, reps: number): Promise<ApiFigure[]> {
  const home = fs.mkdtempSync('/tmp/nb-bench-kubectl-');
  const kubectl = (args: string[], input?: string) => execa('kubectl', args, { env: { KUBECONFIG: kubeconfig, HOME: home }, input });
  try {
    await kubectl(['apply', '-f', '-'], POLICY_APP);
    const to = `http://${await readyPodIP(kubectl, 'app=server')}:8080/hostname`;
    await readyPodIP(kubectl, 'app=client');
    const until = async (passes: boolean): Promise<number> => {
      const started = performance.now();
      for (;;) {
        const result = await lab.probe({ from: 'bench-np/client', to, timeoutMs: 200 });
        if ((result.outcome === 'success') === passes) return performance.now() - started;
        if (performance.now() - started > 10_000) throw new Error(`a probe to ${to} still ${passes ? 'fails' : 'passes'} after 10 s`);
      }
    };
    await until(true);
    const enforced: number[] = [];
    const lifted: number[] = [];
    for (let i = 0; i < reps; i++) {
      const started = performance.now();
      await kubectl(['apply', '-f', '-'], DENY);
      await until(false);
      enforced.push(performance.now() - started);
      const deleted = performance.now();
      await kubectl(['delete', 'networkpolicy', 'server-deny-ingress', '-n', 'bench-np']);
      await until(true);
      lifted.push(performance.now() - deleted);
    }
    const e = summarize(enforced);
    const l = summarize(lifted);
    return [
      {
        name: `API: kubectl apply of a deny-ingress NetworkPolicy → a probe fails (median of ${e.n}, kubectl included)`,
        value: e.median / 1000,
        unit: 's',
        goal: 1,
        kind: 'max',
        note: `max ${(e.max / 1000).toFixed(2)} s`,
      },
      {
        name: 'API: kubectl delete of that policy → a probe passes again (median)',
        value: l.median / 1000,
        unit: 's',
        goal: 1,
        kind: 'max',
        note: `max ${(l.max / 1000).toFixed(2)} s`,
      },
    ];
  } finally {
    await kubectl(['delete', 'namespace', 'bench-np', '--wait=false']).catch(() => undefined);
    fs.rmSync(home, { recursive: true, force: true });
  }
}

/** Every API figure, on `lab` (running, with a scenario) and its kubeconfig. */
export async function measureApi(lab: Lab, kubeconfig: string, quick: boolean): Promise<ApiFigure[]> {
  const ep = endpointOf(kubeconfig);
  try {
    const reps = quick ? 10 : 30;
    return [...(await getPodsFigures(ep, kubeconfig, reps)), await watchFigure(ep, reps), ...(await policyFigures(lab, kubeconfig, quick ? 3 : 5))];
  } finally {
    ep.agent.destroy();
  }
}
