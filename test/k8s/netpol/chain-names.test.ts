import { describe, expect, it } from 'vitest';
import { hash16 } from '../../../src/k8s/chain-hash.js';
import { ipBlockChain, podChain, ruleChain } from '../../../src/k8s/netpol/chain-names.js';

describe('chain names', () => {
  it('hash like kube-proxy: first 16 characters of base32(sha256(key))', () => {
    // kube-proxy's own test vectors (servicePortName + protocol).
    expect(hash16('ns1/svc1:p80tcp')).toBe('XPGD46QRK7WJZT7O');
    expect(hash16('kube-system/kube-dns:dnsudp')).toBe('TCOU7JCQXEZGVUNU');
  });

  it('stay within 28 characters and depend only on the names', () => {
    const long = `${'n'.repeat(63)}/${'p'.repeat(253)}`;
    for (const name of [podChain('ingress', long), podChain('egress', long), ruleChain('egress', long, 99), ipBlockChain('ingress', long, 99, 99)]) {
      expect(name.length).toBeLessThanOrEqual(28);
      expect(name).toMatch(/^NETPOL-(I|E|IR|ER|IB|EB)-[A-Z2-7]{16}$/);
    }
    expect(podChain('ingress', 'x/a')).toBe(podChain('ingress', 'x/a'));
    expect(podChain('ingress', 'x/a').slice(9)).toBe(podChain('egress', 'x/a').slice(9));
    expect(ruleChain('ingress', 'x/p', 0)).not.toBe(ruleChain('ingress', 'x/p', 1));
  });
});
