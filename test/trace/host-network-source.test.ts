// trace starts from a pod's own network namespace; a hostNetwork pod has none,
// and the learner is told where to look instead, before anything is probed.
import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.js';
import type { KubeObject } from '../../src/k8s/objects.js';
import { collectTrace } from '../../src/trace/collect.js';
import { FakeLab } from '../helpers/fake-lab.js';

const node = (name: string, ip: string): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Node',
  metadata: { name },
  status: { addresses: [{ type: 'InternalIP', address: ip }] },
});

function collector(hostNetwork: boolean): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { namespace: 'telemetry', name: 'collector-abc12-x2k4p' },
    spec: { nodeName: 'worker', ...(hostNetwork ? { hostNetwork: true } : {}), containers: [{ name: 'collector', image: 'agnhost' }] },
    // A hostNetwork pod reports its node's address; a pod still being created has none yet.
    status: hostNetwork ? { phase: 'Running', podIP: '172.18.0.3' } : { phase: 'Pending' },
  };
}

async function refusal(hostNetwork: boolean): Promise<UserError> {
  const lab = new FakeLab([node('worker', '172.18.0.3'), collector(hostNetwork)]);
  // Counters are what trace reads; the fake backend has none to read, so say it can.
  lab.counters = async () => [];
  const error = await collectTrace(lab, { from: 'telemetry/collector-abc12-x2k4p', to: 'http://ingest.telemetry.svc.cluster.local:8080/' }).catch(
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(UserError);
  expect(lab.calls.filter((c) => c.op === 'probe')).toEqual([]);
  return error as UserError;
}

describe('trace from a pod without a network namespace of its own', () => {
  it('names a hostNetwork pod as such, and the node to look at instead', async () => {
    expect((await refusal(true)).message).toBe(
      "pod telemetry/collector-abc12-x2k4p runs on its node's network (hostNetwork), which trace cannot start from yet: look on the node itself (netbreak shell node/worker; iptables-save -c, tcpdump -ni any), or trace from a pod with a network namespace of its own",
    );
  });

  it('tells a pod whose sandbox is not there yet to wait for a running pod', async () => {
    expect((await refusal(false)).message).toBe(
      'pod telemetry/collector-abc12-x2k4p has no network namespace of its own yet (not running): trace from a running pod',
    );
  });
});
