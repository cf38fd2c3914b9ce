import { describe, expect, it } from 'vitest';
import { kubeProxyConfigText, kubeProxyModeOf } from '../../../src/k8s/kube-proxy/proxy-mode.js';

describe('kube-proxy mode in its ConfigMap', () => {
  it('reads back the mode the lab writes', () => {
    expect(kubeProxyModeOf(kubeProxyConfigText('nftables', '10.244.0.0/16'))).toBe('nftables');
    expect(kubeProxyModeOf(kubeProxyConfigText('iptables', '10.244.0.0/16'))).toBe('iptables');
  });

  it('takes an empty mode for iptables, as kube-proxy does on Linux (a kubeadm default config)', () => {
    expect(kubeProxyModeOf('apiVersion: kubeproxy.config.k8s.io/v1alpha1\nkind: KubeProxyConfiguration\nmode: ""\n')).toBe('iptables');
  });

  it('knows no mode for a missing ConfigMap, text that is no configuration, or ipvs', () => {
    expect(kubeProxyModeOf(undefined)).toBeUndefined();
    expect(kubeProxyModeOf('[not: yaml')).toBeUndefined();
    expect(kubeProxyModeOf('mode: ipvs\n')).toBeUndefined();
  });
});
