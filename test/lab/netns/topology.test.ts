import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_TOPOLOGY, NFTABLES_TOPOLOGY } from '../../../src/lab/netns/backend.js';
import { buildTopology, kindNodeNames, loadTopology } from '../../../src/lab/netns/topology.js';

describe('kindNodeNames', () => {
  it('names nodes as kind does: the first of a role bare, then numbered from 2', () => {
    expect(kindNodeNames(['control-plane', 'worker', 'worker', 'worker'])).toEqual(['control-plane', 'worker', 'worker2', 'worker3']);
    expect(kindNodeNames(['control-plane', 'control-plane', 'worker'])).toEqual(['control-plane', 'control-plane2', 'worker']);
    expect(kindNodeNames(['control-plane'])).toEqual(['control-plane']);
  });
});

describe('buildTopology', () => {
  const t = buildTopology(['control-plane', 'worker', 'worker']);

  it("uses kind's default subnets, with the fabric as gateway and kube-dns at .10 of the service subnet", () => {
    expect(t).toMatchObject({
      podSubnet: '10.244.0.0/16',
      serviceSubnet: '10.96.0.0/16',
      nodeSubnet: '172.18.0.0/16',
      fabricIP: '172.18.0.1',
      dnsServiceIP: '10.96.0.10',
    });
  });

  it('gives every node its own address, a /24 of the pod subnet and a gateway in it', () => {
    expect(t.nodes).toEqual([
      { name: 'control-plane', role: 'control-plane', ip: '172.18.0.2', podCIDR: '10.244.0.0/24', gateway: '10.244.0.1', index: 0 },
      { name: 'worker', role: 'worker', ip: '172.18.0.3', podCIDR: '10.244.1.0/24', gateway: '10.244.1.1', index: 1 },
      { name: 'worker2', role: 'worker', ip: '172.18.0.4', podCIDR: '10.244.2.0/24', gateway: '10.244.2.1', index: 2 },
    ]);
  });
});

describe('loadTopology', () => {
  it('reads the shipped default: one control-plane and two workers', () => {
    expect(loadTopology(DEFAULT_TOPOLOGY).nodes.map((n) => n.name)).toEqual(['control-plane', 'worker', 'worker2']);
  });

  it('runs kube-proxy in iptables mode by default, in nftables mode from clusters/netns-nftables.yaml', () => {
    expect(loadTopology(DEFAULT_TOPOLOGY).kubeProxyMode).toBe('iptables');
    const nftables = loadTopology(NFTABLES_TOPOLOGY);
    expect(nftables.kubeProxyMode).toBe('nftables');
    expect(nftables.nodes.map((n) => n.name)).toEqual(['control-plane', 'worker', 'worker2']);
  });

  it('refuses a kube-proxy mode the lab does not run', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netbreak-topology-'));
    try {
      const file = path.join(dir, 'topology.yaml');
      fs.writeFileSync(file, fs.readFileSync(DEFAULT_TOPOLOGY, 'utf8').replace('kubeProxyMode: iptables', 'kubeProxyMode: ipvs'));
      expect(() => loadTopology(file)).toThrow(/kubeProxyMode/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('--nodes N overrides the number of workers', () => {
    expect(loadTopology(DEFAULT_TOPOLOGY, 3).nodes.map((n) => n.name)).toEqual(['control-plane', 'worker', 'worker2', 'worker3']);
    expect(loadTopology(DEFAULT_TOPOLOGY, 0).nodes.map((n) => n.name)).toEqual(['control-plane']);
  });

  it('refuses a file with another pod subnet', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netbreak-topology-'));
    try {
      const file = path.join(dir, 'topology.yaml');
      fs.writeFileSync(file, fs.readFileSync(DEFAULT_TOPOLOGY, 'utf8').replace('podSubnet: 10.244.0.0/16', 'podSubnet: 10.10.0.0/16'));
      expect(() => loadTopology(file)).toThrow(/podSubnet/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
