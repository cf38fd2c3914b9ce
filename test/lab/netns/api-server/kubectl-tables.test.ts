// The real kubectl reading the lab's API server: `get` prints the Tables of api-views'
// printers (kube-apiserver's columns, -o wide, -A) and `describe` finds the Events the
// controllers record. The lab here is its store, admission and controllers alone
// (memory-lab.ts), so no namespace is made; kubectl-views.e2e drives a real lab.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import type https from 'node:https';
import type net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeCredentials } from '../../../../src/lab/netns/api-server/credentials.js';
import { kubeconfigText } from '../../../../src/lab/netns/api-server/kubeconfig-file.js';
import type { LabControl } from '../../../../src/lab/netns/api-server/lab-control.js';
import { buildRouter } from '../../../../src/lab/netns/api-server/routes.js';
import { createApiServer } from '../../../../src/lab/netns/api-server/server.js';
import { reconcileDeployments } from '../../../../src/lab/netns/controllers/deployments.js';
import { reconcileReplicaSets } from '../../../../src/lab/netns/controllers/replicasets.js';
import { reconcileWorkloadStatus } from '../../../../src/lab/netns/controllers/workload-status.js';
import { involvedObjectOf, recordEvent } from '../../../../src/lab/netns/events.js';
import { tempDir } from '../../../helpers/temp-dir.js';
import { memoryLab } from './memory-lab.js';

const hasKubectl = fs.existsSync('/usr/bin/kubectl');

let lab: LabControl;
let server: https.Server;
let kubeconfig: string;

function kubectl(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('kubectl', args, { env: { ...process.env, KUBECONFIG: kubeconfig, HOME: path.dirname(kubeconfig) }, timeout: 20_000 }, (error, stdout, stderr) =>
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

/** What the lab's kubelet reports for a pod that runs, with its readiness probe failing or passing. */
function runPod(name: string, ready: boolean, restarts = 0): void {
  const pod = lab.store.get({ kind: 'Pod', namespace: 'shop', name })!;
  const now = new Date().toISOString();
  lab.store.put({
    ...pod,
    status: {
      phase: 'Running',
      podIP: '10.244.1.7',
      podIPs: [{ ip: '10.244.1.7' }],
      conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }],
      containerStatuses: [
        {
          name: 'api',
          ready,
          restartCount: restarts,
          state: { running: { startedAt: now } },
          ...(restarts ? { lastState: { terminated: { exitCode: 1, reason: 'Error', finishedAt: now } } } : {}),
        },
      ],
    },
  });
}

describe.skipIf(!hasKubectl)('kubectl get and describe read the printers and the Events', () => {
  beforeAll(async () => {
    lab = memoryLab();
    const credentials = await makeCredentials(lab.lab);
    server = createApiServer(lab, credentials, buildRouter());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    kubeconfig = path.join(tempDir('nb-tables-'), 'kubeconfig');
    fs.writeFileSync(kubeconfig, kubeconfigText(lab.lab, (server.address() as net.AddressInfo).port, credentials), { mode: 0o600 });
    lab.apply([
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } },
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'api', namespace: 'shop' },
        spec: {
          replicas: 2,
          selector: { matchLabels: { app: 'api' } },
          template: { metadata: { labels: { app: 'api' } }, spec: { containers: [{ name: 'api', image: 'registry.k8s.io/e2e-test-images/agnhost:2.53' }] } },
        },
      },
    ]);
    reconcileDeployments(lab.store);
    reconcileReplicaSets(lab.store);
    const [first, second] = lab.store.list('Pod', 'shop');
    runPod(first!.metadata.name, true);
    runPod(second!.metadata.name, false, 2);
    reconcileWorkloadStatus(lab.store);
    for (let i = 0; i < 3; i++) {
      recordEvent(lab.store, {
        involvedObject: involvedObjectOf(second!, 'spec.containers{api}'),
        source: { component: 'kubelet', host: 'worker' },
        type: 'Warning',
        reason: 'Unhealthy',
        message: 'Readiness probe failed: HTTP probe failed with statuscode: 503',
      });
    }
  });

  afterAll(() => {
    server?.closeAllConnections();
    server?.close();
  });

  it('get pods -o wide: kube-apiserver columns, the ready count, restarts with how long ago', async () => {
    const r = await kubectl('get', 'pods', '-n', 'shop', '-o', 'wide');
    expect(r.code, r.stderr).toBe(0);
    const [header, ...rows] = r.stdout.trim().split('\n');
    expect(header).toMatch(/^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\s+IP\s+NODE\s+NOMINATED NODE\s+READINESS GATES$/);
    expect(rows.join('\n')).toMatch(/^api-\S+\s+1\/1\s+Running\s+0\s+\d+s\s+10\.244\.1\.7\s+worker2?\s+<none>\s+<none>$/m);
    expect(rows.join('\n')).toMatch(/^api-\S+\s+0\/1\s+Running\s+2 \(\d+s ago\)\s+\d+s\s+10\.244\.1\.7\s+worker2?\s+<none>\s+<none>$/m);
  });

  it('get -A adds NAMESPACE from the rows’ metadata; --show-labels reads their labels', async () => {
    const all = await kubectl('get', 'deploy', '-A');
    expect(all.stdout).toMatch(/^NAMESPACE\s+NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE$/m);
    expect(all.stdout).toMatch(/^shop\s+api\s+1\/2\s+2\s+1\s+\d+s$/m);
    expect(all.stdout).toMatch(/^kube-system\s+coredns\s+/m);
    const labels = await kubectl('get', 'ns', 'shop', '--show-labels');
    expect(labels.stdout).toMatch(/^shop\s+Active\s+\d+s\s+kubernetes\.io\/metadata\.name=shop$/m);
  });

  it('get nodes, services and events print their own columns', async () => {
    expect((await kubectl('get', 'nodes')).stdout).toMatch(/^NAME\s+STATUS\s+ROLES\s+AGE\s+VERSION\n/);
    expect((await kubectl('get', 'svc', '-n', 'kube-system')).stdout).toMatch(
      /^kube-dns\s+ClusterIP\s+10\.96\.0\.10\s+<none>\s+53\/UDP,53\/TCP,9153\/TCP\s+\d+s$/m,
    );
    const events = await kubectl('get', 'events', '-n', 'shop');
    expect(events.stdout).toMatch(/^LAST SEEN\s+TYPE\s+REASON\s+OBJECT\s+MESSAGE$/m);
    expect(events.stdout).toMatch(/^\d+s\s+Normal\s+ScalingReplicaSet\s+deployment\/api\s+Scaled up replica set api-\S+ from 0 to 2$/m);
    expect(events.stdout).toMatch(/^\d+s\s+Warning\s+Unhealthy\s+pod\/api-\S+\s+Readiness probe failed: HTTP probe failed with statuscode: 503$/m);
  });

  it('--sort-by reads the whole objects kubectl asks the rows to carry (includeObject=Object)', async () => {
    const sorted = await kubectl('get', 'pods', '-n', 'shop', '--sort-by=.status.conditions[0].status');
    expect(sorted.code, sorted.stderr).toBe(0);
    expect(
      sorted.stdout
        .trim()
        .split('\n')
        .map((line) => line.split(/\s+/)[1]),
    ).toEqual(['READY', '0/1', '1/1']);
  });

  it('describe lists only the object’s Events, a repeated one counted', async () => {
    const unready = lab.store.list('Pod', 'shop')[1]!.metadata.name;
    const pod = await kubectl('describe', 'pod', unready, '-n', 'shop');
    expect(pod.code, pod.stderr).toBe(0);
    const events = pod.stdout.slice(pod.stdout.indexOf('Events:'));
    expect(events).toMatch(/Normal\s+Scheduled\s+\d+s\s+default-scheduler\s+Successfully assigned shop\/api-\S+ to worker2?$/m);
    expect(events).toMatch(/Warning\s+Unhealthy\s+\d+s \(x3 over \d+s\)\s+kubelet\s+Readiness probe failed: HTTP probe failed with statuscode: 503$/m);
    expect(events).not.toMatch(/ScalingReplicaSet/);
    const deploy = await kubectl('describe', 'deploy', 'api', '-n', 'shop');
    expect(deploy.stdout).toMatch(/Normal\s+ScalingReplicaSet\s+\d+s\s+deployment-controller\s+Scaled up replica set api-\S+ from 0 to 2$/m);
  });
});
