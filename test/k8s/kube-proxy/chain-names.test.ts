import { describe, expect, it } from 'vitest';
import {
  endpointChainName,
  externalChainName,
  firewallChainName,
  isServiceChainName,
  localPolicyChainName,
  serviceChainName,
  servicePortName,
} from '../../../src/k8s/kube-proxy/chain-names.js';

describe('chain names', () => {
  it('hashes exactly as kube-proxy does (upstream test vectors)', () => {
    expect(serviceChainName('ns1/svc1:p80', 'tcp')).toBe('KUBE-SVC-XPGD46QRK7WJZT7O');
    expect(endpointChainName('ns1/svc1:p80', 'tcp', '10.180.0.1:80')).toBe('KUBE-SEP-SXIVWICOYRO3J4NJ');
    expect(serviceChainName('kube-system/kube-dns:dns', 'udp')).toBe('KUBE-SVC-TCOU7JCQXEZGVUNU');
  });

  it('uses one hash for the SVC, SVL, EXT and FW chains of a port', () => {
    expect(localPolicyChainName('ns2/svc2:p80', 'tcp')).toBe('KUBE-SVL-GNZBNJ2PO5MGZ6GT');
    expect(externalChainName('ns2/svc2:p80', 'tcp')).toBe('KUBE-EXT-GNZBNJ2PO5MGZ6GT');
    expect(firewallChainName('ns5/svc5:p80', 'tcp')).toBe('KUBE-FW-NUKIZ6OKUXPJNT4C');
  });

  it('hashes the lower-case protocol', () => {
    expect(serviceChainName('ns1/svc1:p80', 'TCP')).toBe('KUBE-SVC-XPGD46QRK7WJZT7O');
  });

  it('names an unnamed port without a colon', () => {
    expect(servicePortName('ns1', 'svc1', 'p80')).toBe('ns1/svc1:p80');
    expect(servicePortName('shop', 'db', '')).toBe('shop/db');
    expect(servicePortName('shop', 'db')).toBe('shop/db');
  });

  it('recognises the per-service chains and nothing else', () => {
    for (const chain of ['KUBE-SVC-X', 'KUBE-SVL-X', 'KUBE-EXT-X', 'KUBE-FW-X', 'KUBE-SEP-X']) expect(isServiceChainName(chain)).toBe(true);
    for (const chain of ['KUBE-SERVICES', 'KUBE-NODEPORTS', 'KUBE-MARK-MASQ', 'KUBE-FORWARD']) expect(isServiceChainName(chain)).toBe(false);
  });
});
