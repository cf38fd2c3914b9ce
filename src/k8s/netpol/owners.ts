// Which object each NETPOL- chain belongs to, for the packet tracer: read the
// counters from `iptables-save -c`, look the chain up here, and name the policy
// rule (per-rule chains) or the pod (per-pod chains) that saw the packet.
import { planNetpol } from './plan.js';
import type { ChainOwner, PolicyInput } from './types.js';

/**
 * Every chain netpolRestore(input) declares, except NETPOL-FORWARD (it belongs
 * to no pod or direction), mapped to its owner: per-pod chains carry `pod`,
 * per-rule chains and their ipBlock-except chains carry `policy` and `rule`.
 */
export function netpolOwners(input: PolicyInput): Map<string, ChainOwner> {
  const owners = new Map<string, ChainOwner>();
  for (const chain of planNetpol(input).chains) {
    if (chain.owner) owners.set(chain.name, { ...chain.owner });
  }
  return owners;
}
