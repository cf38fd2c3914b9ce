// The Lab contract, as one suite every backend runs (netns for real, kind and
// kubeconfig through their fakes): what the engine, faults, grading and trace
// rely on. A backend that breaks the contract fails these same tests.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Backend } from '../../../src/lab/backend.js';
import type { Lab } from '../../../src/lab/lab.js';
import type { KubeObject } from '../../../src/k8s/objects.js';

/** A command that fails with a known exit code wherever it runs (GNU ls: 2 for a missing file). */
export const FAILING_COMMAND = ['ls', '/netbreak-contract-missing'];
export const FAILING_EXIT_CODE = 2;
/** The Service port whose target nothing listens on: a probe to it is refused. */
export const CLOSED_PORT = 8081;

export interface ContractSubject {
  backend: Backend;
  /** Makes a fresh lab with nothing of the test's in it. */
  up(): Promise<Lab>;
  /** Removes it and whatever the test made. */
  down(): Promise<void>;
  /**
   * A fake stands in for the network and the processes: it answers FAILING_COMMAND
   * with FAILING_EXIT_CODE and refuses connections to CLOSED_PORT, as a real
   * machine does. A real backend needs nothing here.
   */
  playTheWorld?(): void;
}

const NS = 'contract';

const app: KubeObject[] = [
  { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } },
  { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace: NS }, data: { colour: 'blue' } },
  {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: NS },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: { containers: [{ name: 'web', image: 'registry.k8s.io/e2e-test-images/agnhost:2.53', args: ['netexec', '--http-port=8080'] }] },
      },
    },
  },
  {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'web', namespace: NS },
    spec: {
      selector: { app: 'web' },
      ports: [
        { name: 'http', port: 8080 },
        { name: 'closed', port: CLOSED_PORT, targetPort: 9999 },
      ],
    },
  },
];

const WEB = { kind: 'Deployment', namespace: NS, name: 'web' };
const SETTINGS = { kind: 'ConfigMap', namespace: NS, name: 'settings' };

/** Registers the contract's tests for one backend; `skip` when this machine cannot run it (a lab gate). */
export function labContract(title: string, subject: ContractSubject, skip = false): void {
  describe.skipIf(skip)(`Lab contract: ${title}`, () => {
    let lab: Lab;

    beforeAll(async () => {
      lab = await subject.up();
      subject.playTheWorld?.();
      await lab.apply(app);
      await lab.waitReady([WEB], 60_000);
    }, 120_000);
    afterAll(async () => {
      if (lab) await subject.down();
    }, 60_000);

    it('says which backend made it and what it can do, as that backend declares', () => {
      expect(lab.backend).toBe(subject.backend.name);
      expect(lab.capabilities).toEqual(subject.backend.capabilities);
      expect(typeof lab.counters === 'function').toBe(lab.capabilities.counters);
      expect(typeof lab.capturer === 'function').toBe(lab.capabilities.pcap);
      expect(typeof subject.backend.release === 'function').toBe(lab.capabilities.keptOnRelease !== undefined);
    });

    it('gives back what was applied, by get and by list', async () => {
      const settings = await lab.get(SETTINGS);
      expect(settings).toMatchObject({ kind: 'ConfigMap', metadata: { name: 'settings', namespace: NS }, data: { colour: 'blue' } });
      expect((await lab.list('ConfigMap', NS)).map((o) => o.metadata.name)).toContain('settings');
      expect((await lab.list('Namespace')).map((o) => o.metadata.name)).toContain(NS);
      expect((await lab.list('Service', NS)).map((o) => o.metadata.name)).toEqual(['web']);
    });

    it('merge-patches an object and returns the result, as get then shows it', async () => {
      const patched = await lab.patch(SETTINGS, { data: { size: 'large' } });
      expect(patched.data).toEqual({ colour: 'blue', size: 'large' });
      expect((await lab.get(SETTINGS))?.data).toEqual({ colour: 'blue', size: 'large' });
    });

    it('applies a changed object over the stored one', async () => {
      await lab.apply([{ ...app[1]!, data: { colour: 'green' } }]);
      expect((await lab.get(SETTINGS))?.data).toEqual({ colour: 'green' });
    });

    it('scales and restarts a Deployment, which then becomes Ready again', async () => {
      await lab.scale(WEB, 2);
      expect((await lab.get(WEB))?.spec).toMatchObject({ replicas: 2 });
      await lab.restart(WEB);
      const template = ((await lab.get(WEB))!.spec as { template: { metadata: { annotations?: Record<string, string> } } }).template;
      expect(template.metadata.annotations?.['kubectl.kubernetes.io/restartedAt']).toMatch(/^\d{4}-\d\d-\d\dT/);
      await lab.waitReady([WEB], 60_000);
      await lab.scale(WEB, 1);
      await lab.waitReady([WEB], 60_000);
    });

    it('lists the nodes, and runs commands on them with their exit codes (or refuses node commands it does not offer)', async () => {
      const nodes = await lab.nodes();
      expect(nodes.length).toBeGreaterThan(0);
      if (!lab.capabilities.nodeFaults) {
        await expect(lab.nodeExec(nodes[0]!, ['true'])).rejects.toThrow(/node/);
        return;
      }
      expect((await lab.nodeExec(nodes.at(-1)!, ['true'])).exitCode).toBe(0);
      expect((await lab.nodeExec(nodes.at(-1)!, FAILING_COMMAND)).exitCode).toBe(FAILING_EXIT_CODE);
    });

    it("runs commands in a pod's network namespace with their exit codes", async () => {
      const [pod] = await lab.list('Pod', NS);
      expect(pod).toBeDefined();
      expect((await lab.podExec(NS, pod!.metadata.name, ['true'])).exitCode).toBe(0);
      expect((await lab.podExec(NS, pod!.metadata.name, FAILING_COMMAND)).exitCode).toBe(FAILING_EXIT_CODE);
    });

    it('probes a Service that answers as success, and one whose target refuses as refused', async () => {
      const ok = await lab.probe({ from: `${NS}/web`, to: `http://web.${NS}.svc.cluster.local:8080/`, timeoutMs: 5000 });
      expect(ok).toMatchObject({ outcome: 'success' });
      expect(ok.detail).not.toBe('');
      const refused = await lab.probe({ from: `${NS}/web`, to: `http://web.${NS}.svc.cluster.local:${CLOSED_PORT}/`, timeoutMs: 5000 });
      expect(refused.outcome).toBe('refused');
    });

    it('deletes an object once: true while it exists, false after', async () => {
      expect(await lab.delete(SETTINGS)).toBe(true);
      expect(await lab.get(SETTINGS)).toBeUndefined();
      expect(await lab.delete(SETTINGS)).toBe(false);
      expect(await lab.delete({ kind: 'ConfigMap', namespace: NS, name: 'never-made' })).toBe(false);
    });
  });
}
