// Who a lab's processes are inside its user namespace, and how its holder is started.
import { describe, expect, it } from 'vitest';
import { holderArgv, insideIds } from '../../../src/lab/netns/holder.js';
import { enterArgv, enterUnsupported } from '../../../src/lab/netns/enter-lab.js';

describe('the lab holder', () => {
  it('maps an ordinary user to themselves, and root to nobody (tcpdump drops privileges only when its uid is 0)', () => {
    expect(insideIds(1000, 1000)).toEqual({ uid: 1000, gid: 1000 });
    expect(insideIds(0, 0)).toEqual({ uid: 65534, gid: 65534 });
  });

  it('starts the supervisor as the first process of new user, mount, network and pid namespaces that die with the holder', () => {
    const argv = holderArgv('/x/supervisor-main.js', 'demo', { uid: 1000, gid: 1000 });
    expect(argv.slice(0, argv.indexOf('--'))).toEqual([
      'unshare',
      '--user',
      '--map-user=1000',
      '--map-group=1000',
      '--keep-caps',
      '--mount',
      '--net',
      '--pid',
      '--fork',
      '--kill-child',
    ]);
    expect(argv.slice(-3)).toEqual(['/x/supervisor-main.js', 'demo', expect.stringMatching(/\/labs\/demo\/lab\.json$/)]);
  });
});

describe('entering a lab', () => {
  it('puts a pod command into its network namespace with its resolv.conf, a node command without', () => {
    const pod = enterArgv('demo', 4242, { namespace: 'shop', pod: 'api-1' }, ['dig', 'api']);
    expect(pod[0]).toBe('perl');
    expect(pod[1]).toMatch(/\/labs\/demo\/join-lab\.pl$/);
    expect(pod.slice(8, 10)).toEqual(['4242', '0']);
    expect(pod[10]).toMatch(/\/labs\/demo\/pods\/shop_api-1\.resolv\.conf$/);
    expect(pod.slice(12)).toEqual(['ip', 'netns', 'exec', 'nb-demo-pod-shop-api-1', 'dig', 'api']);
    const node = enterArgv('demo', 4242, { node: 'worker' }, ['iptables-save']);
    expect(node.slice(9)).toEqual(['0', '', '', 'ip', 'netns', 'exec', 'nb-demo-node-worker', 'iptables-save']);
    // The lab itself: its own network namespace, the fabric, where the supervisor serves the node network's DNS.
    expect(enterArgv('demo', 4242, { lab: true }, ['ss', '-lnu']).slice(9)).toEqual(['1', '', '', 'ss', '-lnu']);
  });

  it('names the machines it cannot enter labs on', () => {
    expect(enterUnsupported('x64')).toBeUndefined();
    expect(enterUnsupported('s390x')).toMatch(/x64 and arm64 machines, not s390x: use the kind backend/);
  });
});
