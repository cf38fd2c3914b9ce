// Chain name → the object behind it, so a packet tracer can say "KUBE-SEP-… is pod
// shop/web-1 behind shop/web:http" instead of showing a hash.
import { endpointsForPort } from './endpoints.js';
import type { KubeProxyInput } from './rules.js';
import { servicePorts } from './service-ports.js';

export interface KubeProxyChainOwner {
  /** Pod when the endpoint's targetRef names one; Service for the per-service chains. */
  kind: 'Service' | 'Pod';
  namespace: string;
  name: string;
  /** The Service port name (the `:port` in `ns/svc:port`); absent for an unnamed port. */
  port?: string;
  /** `ip:port`, for KUBE-SEP chains. */
  endpoint?: string;
}

/**
 * Every KUBE-SVC/SVL/EXT/FW chain of every proxied Service port and the KUBE-SEP chain of
 * every endpoint in its slices, ready or not: a superset of what kubeProxyRestore writes,
 * so a chain a fault left behind or a not-ready endpoint can still be named.
 */
export function kubeProxyOwners(input: KubeProxyInput): Map<string, KubeProxyChainOwner> {
  const owners = new Map<string, KubeProxyChainOwner>();
  for (const info of servicePorts(input.services)) {
    const service: KubeProxyChainOwner = { kind: 'Service', namespace: info.namespace, name: info.name };
    if (info.portName) service.port = info.portName;
    for (const chain of Object.values(info.chains)) owners.set(chain, service);
    for (const ep of endpointsForPort(info, input.endpointSlices, input.nodeName)) {
      const ref = ep.targetRef;
      const owner: KubeProxyChainOwner =
        ref?.kind === 'Pod' && ref.name
          ? { kind: 'Pod', namespace: ref.namespace ?? info.namespace, name: ref.name }
          : { kind: 'Service', namespace: info.namespace, name: info.name };
      if (info.portName) owner.port = info.portName;
      owner.endpoint = ep.endpoint;
      owners.set(ep.chain, owner);
    }
  }
  return owners;
}
