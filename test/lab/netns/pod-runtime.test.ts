import { describe, expect, it } from 'vitest';
import { firstProbeDelayMs, kubeletDnsPolicy, nextPodHost } from '../../../src/lab/netns/pod-runtime.js';

describe('nextPodHost: host-local IPAM order', () => {
  const usedOf =
    (...hosts: number[]) =>
    (h: number) =>
      hosts.includes(h);

  it('starts at .2 on a fresh node', () => {
    expect(nextPodHost(usedOf(), 1)).toBe(2);
  });

  it('continues after the last address handed out, even when a lower one is free again', () => {
    // Pods .2 and .3 were replaced (freed); the next pods get .4 and .5, not .2 and .3.
    expect(nextPodHost(usedOf(), 3)).toBe(4);
    expect(nextPodHost(usedOf(4), 4)).toBe(5);
  });

  it('skips addresses in use and wraps around after .254', () => {
    expect(nextPodHost(usedOf(5, 6), 4)).toBe(7);
    expect(nextPodHost(usedOf(2), 254)).toBe(3);
  });

  it('returns undefined when the /24 is full', () => {
    expect(nextPodHost(() => true, 10)).toBeUndefined();
  });
});

describe('firstProbeDelayMs: kubelet waits initialDelaySeconds before the first readiness probe', () => {
  it('probes at once without a probe or without initialDelaySeconds', () => {
    expect(firstProbeDelayMs(undefined, 1000, 1200)).toBe(0);
    expect(firstProbeDelayMs({ httpGet: { port: 8080 } }, 1000, 1200)).toBe(0);
  });

  it('counts the delay from the container start, not from when it began to listen', () => {
    expect(firstProbeDelayMs({ httpGet: { port: 8080 }, initialDelaySeconds: 5 }, 1000, 1000)).toBe(5000);
    expect(firstProbeDelayMs({ httpGet: { port: 8080 }, initialDelaySeconds: 5 }, 1000, 1800)).toBe(4200);
    expect(firstProbeDelayMs({ tcpSocket: { port: 8080 }, initialDelaySeconds: 5 }, 1000, 9000)).toBe(0);
  });
});

describe('kubeletDnsPolicy: the resolver kubelet gives a pod', () => {
  it('gives ordinary pods the cluster DNS, whether dnsPolicy is empty, ClusterFirst or ClusterFirstWithHostNet', () => {
    expect(kubeletDnsPolicy({})).toBe('ClusterFirst');
    expect(kubeletDnsPolicy({ dnsPolicy: 'ClusterFirst' })).toBe('ClusterFirst');
    expect(kubeletDnsPolicy({ dnsPolicy: 'ClusterFirstWithHostNet' })).toBe('ClusterFirst');
  });

  it("gives a hostNetwork pod with ClusterFirst (or none) the node's resolver, and the cluster DNS only with ClusterFirstWithHostNet", () => {
    expect(kubeletDnsPolicy({ hostNetwork: true })).toBe('Default');
    expect(kubeletDnsPolicy({ hostNetwork: true, dnsPolicy: 'ClusterFirst' })).toBe('Default');
    expect(kubeletDnsPolicy({ hostNetwork: true, dnsPolicy: 'ClusterFirstWithHostNet' })).toBe('ClusterFirst');
  });

  it('keeps Default and None as written', () => {
    expect(kubeletDnsPolicy({ dnsPolicy: 'Default' })).toBe('Default');
    expect(kubeletDnsPolicy({ hostNetwork: true, dnsPolicy: 'None' })).toBe('None');
  });
});
