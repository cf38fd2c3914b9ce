import { describe, expect, it } from 'vitest';
import { nodeBaseRules } from '../../../src/lab/netns/fabric.js';
import { planNetpolJump } from '../../../src/k8s/netpol/jump.js';
import { buildTopology } from '../../../src/lab/netns/topology.js';

const rules = nodeBaseRules(buildTopology(['control-plane', 'worker', 'worker']));

function table(name: 'filter' | 'nat'): string[] {
  const lines = rules.split('\n');
  const start = lines.indexOf(`*${name}`);
  return lines.slice(start + 1, lines.indexOf('COMMIT', start));
}

describe('nodeBaseRules', () => {
  it('is an iptables-restore file with a filter and a nat table, each committed', () => {
    expect(rules.match(/^\*\w+$/gm)).toEqual(['*filter', '*nat']);
    expect(rules.match(/^COMMIT$/gm)).toHaveLength(2);
    expect(rules.endsWith('COMMIT\n')).toBe(true);
  });

  it("jumps to NetworkPolicy enforcement before any of kube-proxy's FORWARD jumps", () => {
    const forward = table('filter').filter((l) => l.startsWith('-A FORWARD '));
    expect(forward[0]).toMatch(/-j NETPOL-FORWARD$/);
    const kubeForward = forward.findIndex((l) => l.endsWith('-j KUBE-FORWARD'));
    expect(kubeForward).toBeGreaterThan(0);
    expect(forward.filter((l) => l.endsWith('-j NETPOL-FORWARD'))).toHaveLength(1);
    // The policy agent's own check agrees that nothing needs moving on a fresh node.
    expect(planNetpolJump(forward)).toEqual([]);
  });

  it('declares every chain it jumps to in the same table, and no built-in chain', () => {
    for (const name of ['filter', 'nat'] as const) {
      const lines = table(name);
      const declared = new Set(lines.filter((l) => l.startsWith(':')).map((l) => l.slice(1).split(' ')[0]));
      for (const builtin of ['INPUT', 'FORWARD', 'OUTPUT', 'PREROUTING', 'POSTROUTING']) expect(declared.has(builtin)).toBe(false);
      for (const line of lines.filter((l) => l.startsWith('-A '))) {
        const target = line.split(' ').at(-1)!;
        if (!['ACCEPT', 'DROP', 'RETURN', 'MASQUERADE'].includes(target)) expect(declared, `${name}: ${line}`).toContain(target);
      }
    }
  });

  it('hooks kube-proxy into nat PREROUTING, OUTPUT and POSTROUTING', () => {
    const nat = table('nat');
    expect(nat).toContain('-A PREROUTING -m comment --comment "kubernetes service portals" -j KUBE-SERVICES');
    expect(nat).toContain('-A OUTPUT -m comment --comment "kubernetes service portals" -j KUBE-SERVICES');
    expect(nat).toContain('-A POSTROUTING -m comment --comment "kubernetes postrouting rules" -j KUBE-POSTROUTING');
  });

  it("has kind's masquerade agent: pod-network traffic returns, everything else leaving the node is masqueraded last", () => {
    const masq = table('nat').filter((l) => l.startsWith('-A KIND-MASQ-AGENT '));
    expect(masq).toHaveLength(2);
    expect(masq[0]).toMatch(/^-A KIND-MASQ-AGENT -d 10\.244\.0\.0\/16 .* -j RETURN$/);
    expect(masq[1]).toMatch(/-j MASQUERADE$/);
    expect(table('nat')).toContainEqual(expect.stringMatching(/^-A POSTROUTING -m addrtype ! --dst-type LOCAL .* -j KIND-MASQ-AGENT$/));
  });

  it('quotes every comment with spaces as one word', () => {
    for (const line of rules.split('\n').filter((l) => l.includes('--comment'))) {
      expect(line).toMatch(/--comment "[^"]+" /);
    }
  });
});
