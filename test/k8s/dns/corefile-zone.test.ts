import { describe, expect, it } from 'vitest';
import { KUBEADM_DEFAULT_COREFILE } from '../../../src/k8s/dns/kubeadm-corefile.js';
import { clusterZoneOf, kubernetesZoneFault } from '../../../src/k8s/dns/corefile-zone.js';

describe('clusterZoneOf', () => {
  it('reads the cluster domain off a Service name or a search-list query', () => {
    expect(clusterZoneOf(['api.shop.svc.cluster.local'])).toBe('cluster.local');
    expect(clusterZoneOf(['example.com', 'api.shop.svc.cluster.local.shop.svc.cluster.local.'])).toBe('cluster.local');
    expect(clusterZoneOf(['example.com.'])).toBeUndefined();
  });
});

describe('kubernetesZoneFault', () => {
  it('the kubeadm Corefile serves cluster.local', () => {
    expect(kubernetesZoneFault(KUBEADM_DEFAULT_COREFILE, 'cluster.local')).toBeUndefined();
  });

  it('a typo in the kubernetes zone, with the line to look at', () => {
    const typo = KUBEADM_DEFAULT_COREFILE.replace('kubernetes cluster.local', 'kubernetes cluster.lcoal');
    const line = typo.split('\n').findIndex((l) => l.includes('kubernetes cluster.lcoal')) + 1;
    expect(kubernetesZoneFault(typo, 'cluster.local')).toEqual({
      detail: 'kubernetes zone cluster.lcoal, not cluster.local',
      why: `the Corefile's kubernetes plugin (line ${line}) serves cluster.lcoal in-addr.arpa ip6.arpa, not cluster.local, so cluster names fall through to forward and the upstream answers NXDOMAIN`,
    });
  });

  it('a block for the zone without the kubernetes plugin', () => {
    const corefile = `cluster.local:53 {\n    forward . 172.18.0.1\n}\n${KUBEADM_DEFAULT_COREFILE}`;
    expect(kubernetesZoneFault(corefile, 'cluster.local')?.detail).toBe('no kubernetes plugin in the block for cluster.local');
  });

  it('a Corefile CoreDNS would refuse is no zone fault (the pods crash instead)', () => {
    expect(kubernetesZoneFault('.:53 {\n    kubernetes cluster.local {\n', 'cluster.local')).toBeUndefined();
  });
});
