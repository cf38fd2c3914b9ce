import { expect, it } from 'vitest';
import { kubeProxyJumps } from '../../../src/k8s/kube-proxy/jumps.js';

it('hooks the service chains into nat PREROUTING and OUTPUT', () => {
  const portals = ['-m', 'comment', '--comment', 'kubernetes service portals', '-j', 'KUBE-SERVICES'];
  expect(kubeProxyJumps).toContainEqual({ table: 'nat', chain: 'PREROUTING', rule: portals });
  expect(kubeProxyJumps).toContainEqual({ table: 'nat', chain: 'OUTPUT', rule: portals });
  expect(kubeProxyJumps).toContainEqual({
    table: 'nat',
    chain: 'POSTROUTING',
    rule: ['-m', 'comment', '--comment', 'kubernetes postrouting rules', '-j', 'KUBE-POSTROUTING'],
  });
});

it('puts the ctstate NEW match before the comment, as upstream does', () => {
  expect(kubeProxyJumps).toContainEqual({
    table: 'filter',
    chain: 'FORWARD',
    rule: ['-m', 'conntrack', '--ctstate', 'NEW', '-m', 'comment', '--comment', 'kubernetes service portals', '-j', 'KUBE-SERVICES'],
  });
  expect(kubeProxyJumps).toContainEqual({
    table: 'filter',
    chain: 'INPUT',
    rule: ['-m', 'comment', '--comment', 'kubernetes health check service ports', '-j', 'KUBE-NODEPORTS'],
  });
  expect(kubeProxyJumps).toContainEqual({ table: 'filter', chain: 'INPUT', rule: ['-j', 'KUBE-FIREWALL'] });
});

it('lists every base-chain hook kube-proxy ensures', () => {
  const summary = kubeProxyJumps.map((jump) => `${jump.table} ${jump.chain} -> ${jump.rule.at(-1)}`);
  expect(summary).toEqual([
    'filter INPUT -> KUBE-EXTERNAL-SERVICES',
    'filter FORWARD -> KUBE-EXTERNAL-SERVICES',
    'filter INPUT -> KUBE-NODEPORTS',
    'filter FORWARD -> KUBE-SERVICES',
    'filter OUTPUT -> KUBE-SERVICES',
    'filter FORWARD -> KUBE-FORWARD',
    'filter INPUT -> KUBE-PROXY-FIREWALL',
    'filter OUTPUT -> KUBE-PROXY-FIREWALL',
    'filter FORWARD -> KUBE-PROXY-FIREWALL',
    'nat OUTPUT -> KUBE-SERVICES',
    'nat PREROUTING -> KUBE-SERVICES',
    'nat POSTROUTING -> KUBE-POSTROUTING',
    'filter INPUT -> KUBE-FIREWALL',
    'filter OUTPUT -> KUBE-FIREWALL',
  ]);
});
