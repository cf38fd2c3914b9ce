// A small cluster modelled on upstream's NetworkPolicy e2e suite: namespaces x, y, z
// (labelled ns=<name>), pods a, b, c in each (label pod=<name>) serving 80 and 81
// over TCP and UDP with named ports serve-<port>-<proto>, plus CoreDNS in
// kube-system. Pods are spread over two nodes.
import type { V1Namespace, V1NetworkPolicy } from '../../../../src/k8s/objects.js';
import type { PolicyInput, PolicyPod } from '../../../../src/k8s/netpol/types.js';

export function namespace(name: string, labels: Record<string, string> = {}): V1Namespace {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: { 'kubernetes.io/metadata.name': name, ...labels } } };
}

const SERVE: PolicyPod['ports'] = [
  { name: 'serve-80-tcp', containerPort: 80, protocol: 'TCP' },
  { name: 'serve-81-tcp', containerPort: 81, protocol: 'TCP' },
  { name: 'serve-80-udp', containerPort: 80, protocol: 'UDP' },
  { name: 'serve-81-udp', containerPort: 81, protocol: 'UDP' },
];

function modelPod(ns: string, name: string, ip: string, nodeName: string): PolicyPod {
  return { namespace: ns, name, labels: { pod: name }, ip, nodeName, hostVeth: `v${ns}-${name}`, ports: SERVE };
}

export const PODS: PolicyPod[] = [
  modelPod('x', 'a', '10.244.1.2', 'node1'),
  modelPod('x', 'b', '10.244.1.3', 'node1'),
  modelPod('x', 'c', '10.244.2.2', 'node2'),
  modelPod('y', 'a', '10.244.1.4', 'node1'),
  modelPod('y', 'b', '10.244.2.3', 'node2'),
  modelPod('y', 'c', '10.244.2.4', 'node2'),
  modelPod('z', 'a', '10.244.1.5', 'node1'),
  modelPod('z', 'b', '10.244.2.5', 'node2'),
  modelPod('z', 'c', '10.244.1.6', 'node1'),
  // Same port names as its neighbours but other numbers, so a named port resolved
  // against the wrong pod shows.
  {
    namespace: 'x',
    name: 'web',
    labels: { pod: 'web', app: 'web' },
    ip: '10.244.1.7',
    nodeName: 'node1',
    hostVeth: 'vx-web',
    ports: [
      { name: 'serve-80-tcp', containerPort: 8080, protocol: 'TCP' },
      { name: 'dns', containerPort: 5353, protocol: 'UDP' },
    ],
  },
  {
    namespace: 'kube-system',
    name: 'coredns',
    labels: { 'k8s-app': 'kube-dns' },
    ip: '10.244.2.10',
    nodeName: 'node2',
    hostVeth: 'vks-coredns',
    ports: [
      { name: 'dns', containerPort: 53, protocol: 'UDP' },
      { name: 'dns-tcp', containerPort: 53, protocol: 'TCP' },
    ],
  },
];

export const NAMESPACES: V1Namespace[] = [namespace('x', { ns: 'x' }), namespace('y', { ns: 'y' }), namespace('z', { ns: 'z' }), namespace('kube-system')];

export const NODES = ['node1', 'node2'] as const;

export function pod(ref: string): PolicyPod {
  const found = PODS.find((p) => `${p.namespace}/${p.name}` === ref);
  if (!found) throw new Error(`no pod ${ref}`);
  return found;
}

/** A policy written as in a manifest (`from`, not client-node's `_from`). */
export function policy(ns: string, name: string, spec: Record<string, unknown>): V1NetworkPolicy {
  return { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { namespace: ns, name }, spec } as V1NetworkPolicy;
}

export function input(policies: V1NetworkPolicy[], nodeName = 'node1', existingChains: string[] = []): PolicyInput {
  return { nodeName, pods: PODS, namespaces: NAMESPACES, policies, existingChains };
}
