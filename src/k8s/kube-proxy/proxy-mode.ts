// kube-proxy's --proxy-mode as the lab offers it (kind's networking.kubeProxyMode has
// the same names), and how to read it back from a cluster: kubeadm (and so kind)
// keeps kube-proxy's configuration in ConfigMap kube-system/kube-proxy, key config.conf.
import YAML from 'yaml';
import { z } from 'zod';

export const KubeProxyMode = z.enum(['iptables', 'nftables']);
export type KubeProxyMode = z.infer<typeof KubeProxyMode>;

export const KUBE_PROXY_CONFIG = { namespace: 'kube-system', name: 'kube-proxy', key: 'config.conf' } as const;

/** The KubeProxyConfiguration kubeadm writes, reduced to what the lab's kube-proxy honours. */
export function kubeProxyConfigText(mode: KubeProxyMode, clusterCIDR: string): string {
  return YAML.stringify({ apiVersion: 'kubeproxy.config.k8s.io/v1alpha1', kind: 'KubeProxyConfiguration', clusterCIDR, mode });
}

/**
 * The mode a kube-proxy ConfigMap's config.conf selects. kube-proxy treats an empty or
 * absent mode as iptables on Linux; undefined when the text is not a configuration at all
 * or names a mode the lab does not run (ipvs).
 */
export function kubeProxyModeOf(configText: string | undefined): KubeProxyMode | undefined {
  if (configText === undefined) return undefined;
  let config: unknown;
  try {
    config = YAML.parse(configText);
  } catch {
    return undefined;
  }
  if (typeof config !== 'object' || config === null) return undefined;
  const mode = (config as { mode?: unknown }).mode;
  if (mode === undefined || mode === null || mode === '') return 'iptables';
  const parsed = KubeProxyMode.safeParse(mode);
  return parsed.success ? parsed.data : undefined;
}
