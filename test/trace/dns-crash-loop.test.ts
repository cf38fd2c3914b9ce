import { describe, expect, it } from 'vitest';
import { KUBEADM_DEFAULT_COREFILE } from '../../src/k8s/dns/kubeadm-corefile.js';
import type { KubeObject, V1Service } from '../../src/k8s/objects.js';
import { crashLoopingDns } from '../../src/trace/dns-crash-loop.js';

const LOOPING = KUBEADM_DEFAULT_COREFILE.replace('forward . /etc/resolv.conf', 'forward . 127.0.1.1');
const kubeDns = { metadata: { namespace: 'kube-system', name: 'kube-dns' }, spec: { selector: { 'k8s-app': 'kube-dns' } } } as V1Service;

function corednsPod(name: string, status: Record<string, unknown>): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { namespace: 'kube-system', name, labels: { 'k8s-app': 'kube-dns' } },
    spec: { containers: [{ name: 'coredns', image: 'registry.k8s.io/coredns/coredns:v1.11.3' }] },
    status,
  };
}

const crashing = (name: string) =>
  corednsPod(name, {
    conditions: [{ type: 'Ready', status: 'False' }],
    containerStatuses: [{ name: 'coredns', ready: false, restartCount: 3, state: { waiting: { reason: 'CrashLoopBackOff' } } }],
  });
const starting = (name: string) =>
  corednsPod(name, {
    conditions: [{ type: 'Ready', status: 'False' }],
    containerStatuses: [{ name: 'coredns', ready: false, restartCount: 0, state: { waiting: { reason: 'ContainerCreating' } } }],
  });

describe('crashLoopingDns: kube-dns without endpoints because the Corefile loops', () => {
  it('blames the Corefile when every CoreDNS pod crash-loops and the Corefile forwards to CoreDNS itself', () => {
    const reason = crashLoopingDns(kubeDns, [crashing('coredns-a'), crashing('coredns-b')], LOOPING);
    expect(reason?.blame).toEqual({ kind: 'ConfigMap', namespace: 'kube-system', name: 'coredns', detail: 'Corefile: forward . 127.0.1.1' });
    expect(reason?.why).toMatch(/^its 2 CoreDNS pods crash-loop \(CrashLoopBackOff\): the Corefile's "forward \. 127\.0\.1\.1" .*loop plugin/);
  });

  it('leaves the answer to the usual reasons when the pods only start, the Corefile does not loop, or another Service', () => {
    expect(crashLoopingDns(kubeDns, [starting('coredns-a'), starting('coredns-b')], LOOPING)).toBeUndefined();
    expect(crashLoopingDns(kubeDns, [crashing('coredns-a')], KUBEADM_DEFAULT_COREFILE)).toBeUndefined();
    expect(crashLoopingDns(kubeDns, [crashing('coredns-a')], undefined)).toBeUndefined();
    const other = { metadata: { namespace: 'shop', name: 'api' }, spec: { selector: { 'k8s-app': 'kube-dns' } } } as V1Service;
    expect(crashLoopingDns(other, [crashing('coredns-a')], LOOPING)).toBeUndefined();
  });
});
