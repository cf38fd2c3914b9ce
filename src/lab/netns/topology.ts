// The embedded lab's topology: node names, addresses and pod CIDRs, computed from
// clusters/netns-default.yaml the way kind lays out a cluster.
import fs from 'node:fs';
import YAML from 'yaml';
import { z } from 'zod';
import { KubeProxyMode } from '../../k8s/kube-proxy/proxy-mode.js';

const TopologyFile = z
  .object({
    name: z.string(),
    podSubnet: z.literal('10.244.0.0/16'),
    serviceSubnet: z.literal('10.96.0.0/16'),
    nodeSubnet: z.literal('172.18.0.0/16'),
    /** How kube-proxy programs Services on every node, as kind's networking.kubeProxyMode. */
    kubeProxyMode: KubeProxyMode.default('iptables'),
    nodes: z
      .array(z.object({ role: z.enum(['control-plane', 'worker']) }).strict())
      .min(1)
      .max(10),
  })
  .strict();

export interface LabNode {
  name: string;
  role: 'control-plane' | 'worker';
  /** Address on the lab's node network (the fabric), like a kind node container's address. */
  ip: string;
  podCIDR: string;
  /** The node side of every pod veth carries this address (kindnet/ptp). */
  gateway: string;
  /** The third octet of the pod CIDR: pods get 10.244.<index>.2 and up. */
  index: number;
}

export interface Topology {
  podSubnet: string;
  serviceSubnet: string;
  nodeSubnet: string;
  /** The fabric's own address: the nodes' default gateway and the lab's upstream resolver. */
  fabricIP: string;
  dnsServiceIP: string;
  kubeProxyMode: KubeProxyMode;
  nodes: LabNode[];
}

/** kind's node names: <cluster>-control-plane, <cluster>-worker, <cluster>-worker2 … (without the cluster prefix). */
export function kindNodeNames(roles: ('control-plane' | 'worker')[]): string[] {
  let cp = 0;
  let worker = 0;
  return roles.map((role) => {
    if (role === 'control-plane') return ++cp === 1 ? 'control-plane' : `control-plane${cp}`;
    return ++worker === 1 ? 'worker' : `worker${worker}`;
  });
}

export function buildTopology(roles: ('control-plane' | 'worker')[], kubeProxyMode: KubeProxyMode = 'iptables'): Topology {
  const names = kindNodeNames(roles);
  return {
    kubeProxyMode,
    podSubnet: '10.244.0.0/16',
    serviceSubnet: '10.96.0.0/16',
    nodeSubnet: '172.18.0.0/16',
    fabricIP: '172.18.0.1',
    dnsServiceIP: '10.96.0.10',
    nodes: roles.map((role, index) => ({
      name: names[index]!,
      role,
      ip: `172.18.0.${index + 2}`,
      podCIDR: `10.244.${index}.0/24`,
      gateway: `10.244.${index}.1`,
      index,
    })),
  };
}

/** Reads a topology file; `workers` overrides the number of worker nodes (`lab up --nodes`). */
export function loadTopology(file: string, workers?: number): Topology {
  const parsed = TopologyFile.parse(YAML.parse(fs.readFileSync(file, 'utf8')));
  let roles = parsed.nodes.map((n) => n.role);
  if (workers !== undefined) roles = ['control-plane', ...Array<'worker'>(workers).fill('worker')];
  return buildTopology(roles, parsed.kubeProxyMode);
}
