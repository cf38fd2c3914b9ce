// The proxy mode a lab's kube-proxy runs in, read as a learner would read it: from the
// kube-proxy ConfigMap in kube-system (kubeadm's, kind's and the netns lab's).
import { KUBE_PROXY_CONFIG, kubeProxyModeOf, type KubeProxyMode } from '../k8s/kube-proxy/proxy-mode.js';
import type { Lab } from '../lab/lab.js';

export async function labKubeProxyMode(lab: Lab): Promise<KubeProxyMode | undefined> {
  const maps = await lab.list('ConfigMap', KUBE_PROXY_CONFIG.namespace);
  const config = maps.find((map) => map.metadata.name === KUBE_PROXY_CONFIG.name) as { data?: Record<string, string> } | undefined;
  return kubeProxyModeOf(config?.data?.[KUBE_PROXY_CONFIG.key]);
}
