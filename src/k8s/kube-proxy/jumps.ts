// The rules that hook kube-proxy's chains into the built-in ones (upstream's
// iptablesJumpChains and iptablesKubeletJumpChains). They live in chains kube-proxy does
// not own, so they cannot go through iptables-restore --noflush; kube-proxy instead
// checks each one (`iptables -C`) and inserts it at the top (`iptables -I`) when missing.
import { KUBE_EXTERNAL_SERVICES, KUBE_FIREWALL, KUBE_FORWARD, KUBE_NODEPORTS, KUBE_POSTROUTING, KUBE_PROXY_FIREWALL, KUBE_SERVICES } from './chain-names.js';

export interface KubeProxyJump {
  table: 'nat' | 'filter';
  /** The built-in chain the jump sits in (INPUT, PREROUTING, …). */
  chain: string;
  /** Arguments after `iptables -t <table> -C|-I <chain>`; comments are single argv words. */
  rule: string[];
}

const NEW = ['-m', 'conntrack', '--ctstate', 'NEW'];

function jump(table: KubeProxyJump['table'], chain: string, target: string, text: string, extra: string[] = []): KubeProxyJump {
  const rule = [...extra, ...(text ? ['-m', 'comment', '--comment', text] : []), '-j', target];
  return { table, chain, rule };
}

/**
 * In upstream's order. Inserting each missing one with `-I` in this order reproduces the
 * order a fresh node ends up with (the last inserted is the first rule of its chain).
 */
export const kubeProxyJumps: readonly KubeProxyJump[] = [
  jump('filter', 'INPUT', KUBE_EXTERNAL_SERVICES, 'kubernetes externally-visible service portals', NEW),
  jump('filter', 'FORWARD', KUBE_EXTERNAL_SERVICES, 'kubernetes externally-visible service portals', NEW),
  jump('filter', 'INPUT', KUBE_NODEPORTS, 'kubernetes health check service ports'),
  jump('filter', 'FORWARD', KUBE_SERVICES, 'kubernetes service portals', NEW),
  jump('filter', 'OUTPUT', KUBE_SERVICES, 'kubernetes service portals', NEW),
  jump('filter', 'FORWARD', KUBE_FORWARD, 'kubernetes forwarding rules'),
  jump('filter', 'INPUT', KUBE_PROXY_FIREWALL, 'kubernetes load balancer firewall', NEW),
  jump('filter', 'OUTPUT', KUBE_PROXY_FIREWALL, 'kubernetes load balancer firewall', NEW),
  jump('filter', 'FORWARD', KUBE_PROXY_FIREWALL, 'kubernetes load balancer firewall', NEW),
  jump('nat', 'OUTPUT', KUBE_SERVICES, 'kubernetes service portals'),
  jump('nat', 'PREROUTING', KUBE_SERVICES, 'kubernetes service portals'),
  jump('nat', 'POSTROUTING', KUBE_POSTROUTING, 'kubernetes postrouting rules'),
  // kubelet's anti-martian chain; kube-proxy ensures these jumps too (without a comment).
  jump('filter', 'INPUT', KUBE_FIREWALL, ''),
  jump('filter', 'OUTPUT', KUBE_FIREWALL, ''),
];
