// Who owns a counted rule: kube-proxy (and for which Service port or endpoint),
// the NetworkPolicy agent (which policy and rule), kindnet, or nobody (typed by hand).
import type { KubeProxyChainOwner } from '../k8s/kube-proxy/owner.js';
import type { ChainOwner } from '../k8s/netpol/types.js';
import type { RuleDelta } from './counter-diff.js';
import type { Hop } from './hops.js';

export const BLOCKING = new Set(['DROP', 'REJECT']);
export interface ServiceRef {
  namespace: string;
  name: string;
  /** '' for an unnamed port. */
  portName: string;
}

export interface Owner {
  by: 'kube-proxy' | 'netpol' | 'kindnet' | 'hand-written';
  /** A per-service/per-endpoint chain's object. */
  kubeProxy?: KubeProxyChainOwner;
  /** The Service port a kube-proxy rule belongs to (its chain, or its comment). */
  service?: ServiceRef;
  /** A NETPOL- chain's policy/pod. */
  netpol?: ChainOwner;
  describe: string;
}

export interface NodeOwners {
  kubeProxy: Map<string, KubeProxyChainOwner>;
  /** Every KUBE-SVC/SVL/EXT/FW/SEP chain of a Service port → that port. */
  services: Map<string, ServiceRef>;
  netpol: Map<string, ChainOwner>;
}

export const SERVICE_COMMENT = /^([a-z0-9.-]+)\/([a-z0-9.-]+)(?::([a-z0-9-]+))?(?:\s|$)/;

/** kube-proxy comments start with `ns/svc:port` (`shop/api:http cluster IP`, `shop/api:http has no endpoints`). */
export function serviceFromComment(comment: string | undefined): ServiceRef | undefined {
  const m = comment ? SERVICE_COMMENT.exec(comment) : null;
  return m ? { namespace: m[1]!, name: m[2]!, portName: m[3] ?? '' } : undefined;
}

export function describeService(s: ServiceRef): string {
  return `Service ${s.namespace}/${s.name}${s.portName ? ` port ${s.portName}` : ''}`;
}

export function ownerOf(delta: RuleDelta, owners: NodeOwners | undefined, inPod: boolean): Owner {
  const { chain, target, comment } = delta.rule;
  if (inPod) return { by: 'hand-written', describe: 'hand-written rule in the pod' };
  const isChain = (prefix: string) => chain.startsWith(prefix) || (target ?? '').startsWith(prefix);
  if (isChain('NETPOL-')) {
    const netpol = owners?.netpol.get(chain) ?? owners?.netpol.get(target ?? '');
    const describe = netpol?.policy
      ? `NetworkPolicy ${netpol.policy} ${netpol.direction} rule ${netpol.rule}`
      : netpol?.pod
        ? `NetworkPolicy ${netpol.direction} isolation of pod ${netpol.pod}`
        : 'NetworkPolicy agent';
    return netpol ? { by: 'netpol', netpol, describe } : { by: 'netpol', describe };
  }
  if (isChain('KUBE-')) {
    const kubeProxy = owners?.kubeProxy.get(chain);
    // A rule in KUBE-SERVICES belongs to the Service it jumps to; a stale chain (kube-proxy stopped) still has its comment.
    const service = owners?.services.get(chain) ?? (chain === 'KUBE-SERVICES' ? owners?.services.get(target ?? '') : undefined) ?? serviceFromComment(comment);
    const owner: Owner = { by: 'kube-proxy', describe: 'kube-proxy' };
    if (kubeProxy) owner.kubeProxy = kubeProxy;
    if (service) {
      owner.service = service;
      owner.describe = `kube-proxy: ${describeService(service)}${kubeProxy?.kind === 'Pod' ? `, endpoint ${kubeProxy.endpoint} (pod ${kubeProxy.namespace}/${kubeProxy.name})` : ''}`;
    }
    return owner;
  }
  if (isChain('KIND-MASQ-AGENT')) return { by: 'kindnet', describe: 'kindnet masquerade agent' };
  return { by: 'hand-written', describe: 'hand-written rule (no Kubernetes object owns it)' };
}

export function ruleOf(delta: RuleDelta): NonNullable<Hop['rule']> {
  return { table: delta.rule.table, chain: delta.rule.chain, text: delta.rule.text, packets: delta.packets };
}
