import { describe, expect, it } from 'vitest';
import { isNftServiceChainName, nftAffinitySet, nftEndpointChain, nftServiceChains } from '../../../src/k8s/kube-proxy/nft-names.js';

describe('nftables chain names', () => {
  it('hashes exactly as kube-proxy does (upstream vectors from facts.md and proxier_test.go)', () => {
    expect(nftServiceChains('ns1', 'svc1', 'tcp', 'p80').cluster).toBe('service-ULMVA6XW-ns1/svc1/tcp/p80');
    expect(nftEndpointChain('ns1', 'svc1', 'tcp', 'p80', '10.180.0.1', 80)).toBe('endpoint-5OJB2KTY-ns1/svc1/tcp/p80__10.180.0.1/80');
    expect(nftServiceChains('ns2', 'svc2', 'TCP', 'p80').external).toBe('external-42NFTM6N-ns2/svc2/tcp/p80');
    expect(nftServiceChains('ns5', 'svc5', 'tcp', 'p80').firewall).toBe('firewall-HVFWP5L3-ns5/svc5/tcp/p80');
    expect(nftAffinitySet('ns5', 'svc5', 'tcp', 'p80', '10.180.0.3', 80)).toBe('affinity-GTK6MW7G-ns5/svc5/tcp/p80__10.180.0.3/80');
  });

  it('writes an IPv6 endpoint with dots, as colons are not allowed in chain names', () => {
    expect(nftEndpointChain('ns1', 'svc1', 'tcp', 'p80', 'fd00:10:180::1', 80)).toBe('endpoint-ZVRFLKHO-ns1/svc1/tcp/p80__fd00.10.180..1/80');
  });

  it('tells per-Service chains from the fixed ones by their slash', () => {
    expect(isNftServiceChainName('service-ULMVA6XW-ns1/svc1/tcp/p80')).toBe(true);
    for (const chain of ['services', 'service-endpoints-check', 'mark-for-masquerade', 'nat-prerouting']) expect(isNftServiceChainName(chain)).toBe(false);
  });
});
