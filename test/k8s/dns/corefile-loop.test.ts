import { describe, expect, it } from 'vitest';
import { forwardLoop } from '../../../src/k8s/dns/corefile-loop.js';
import { KUBEADM_DEFAULT_COREFILE } from '../../../src/k8s/dns/kubeadm-corefile.js';

const forwardingTo = (upstream: string, corefile = KUBEADM_DEFAULT_COREFILE) => corefile.replace('forward . /etc/resolv.conf', `forward . ${upstream}`);

describe('forwardLoop: a Corefile that sends CoreDNS its own queries', () => {
  it("finds a forward to a loopback address on the server's port, with the line and what the loop plugin does", () => {
    const loop = forwardLoop(forwardingTo('127.0.1.1'));
    expect(loop?.detail).toBe('forward . 127.0.1.1');
    expect(loop?.why).toMatch(/^the Corefile's "forward \. 127\.0\.1\.1" \(line \d+\) sends queries to the CoreDNS pod's own loopback, .*loop plugin/);
    expect(forwardLoop(forwardingTo('127.0.0.53'))?.detail).toBe('forward . 127.0.0.53');
    expect(forwardLoop(forwardingTo('127.0.0.1:53'))?.detail).toBe('forward . 127.0.0.1:53');
  });

  it("finds none for kubeadm's Corefile, another resolver, or a loopback port the server does not listen on", () => {
    expect(forwardLoop(KUBEADM_DEFAULT_COREFILE)).toBeUndefined();
    expect(forwardLoop(forwardingTo('172.18.0.1'))).toBeUndefined();
    expect(forwardLoop(forwardingTo('127.0.0.1:5353'))).toBeUndefined();
  });

  it('finds none without the loop plugin (CoreDNS then starts, and only the forwarded queries go round)', () => {
    expect(forwardLoop(forwardingTo('127.0.1.1').replace(/^\s*loop\n/m, ''))).toBeUndefined();
  });

  it('finds none in a Corefile CoreDNS would refuse', () => {
    expect(forwardLoop('.:53 {\n  forward . 127.0.0.1\n  loop\n')).toBeUndefined();
  });
});
