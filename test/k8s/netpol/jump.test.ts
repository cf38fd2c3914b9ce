import { describe, expect, it } from 'vitest';
import { netpolJump, netpolJumpArgv, planNetpolJump } from '../../../src/k8s/netpol/jump.js';

const OURS = '-A FORWARD -m comment --comment "netbreak: NetworkPolicy enforcement" -j NETPOL-FORWARD';
const KUBE = [
  '-A FORWARD -m conntrack --ctstate NEW -m comment --comment "kubernetes load balancer firewall" -j KUBE-PROXY-FIREWALL',
  '-A FORWARD -m comment --comment "kubernetes forwarding rules" -j KUBE-FORWARD',
  '-A FORWARD -m conntrack --ctstate NEW -m comment --comment "kubernetes service portals" -j KUBE-SERVICES',
];

describe('netpol FORWARD jump', () => {
  it('is one argv per operation, inserting at the top', () => {
    expect(netpolJumpArgv('-C')).toEqual([
      '-w',
      '-t',
      'filter',
      '-C',
      'FORWARD',
      '-m',
      'comment',
      '--comment',
      'netbreak: NetworkPolicy enforcement',
      '-j',
      'NETPOL-FORWARD',
    ]);
    expect(netpolJumpArgv('-I').slice(3, 6)).toEqual(['-I', 'FORWARD', '1']);
    expect(netpolJump).toEqual({ table: 'filter', chain: 'FORWARD', rule: netpolJumpArgv('-C').slice(5) });
  });

  it('needs nothing when the jump is there once and before KUBE-FORWARD', () => {
    expect(planNetpolJump(['-P FORWARD ACCEPT', OURS, ...KUBE])).toEqual([]);
    expect(planNetpolJump(['-P FORWARD ACCEPT', OURS])).toEqual([]);
  });

  it('inserts the jump when it is missing', () => {
    expect(planNetpolJump(['-P FORWARD ACCEPT', ...KUBE])).toEqual([netpolJumpArgv('-I')]);
  });

  it('moves the jump in front when kube-proxy prepended KUBE-FORWARD above it', () => {
    expect(planNetpolJump(['-P FORWARD ACCEPT', ...KUBE, OURS])).toEqual([netpolJumpArgv('-D'), netpolJumpArgv('-I')]);
  });

  it('removes duplicates', () => {
    expect(planNetpolJump([OURS, OURS, ...KUBE])).toEqual([netpolJumpArgv('-D'), netpolJumpArgv('-D'), netpolJumpArgv('-I')]);
  });
});
