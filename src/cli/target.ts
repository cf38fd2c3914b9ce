// `frontend`, `frontend-7d9f…-x2k4p` or `node/worker`: what shell and exec act on.
import type { Lab } from '../lab/lab.js';
import { findPod } from '../lab/find-pod.js';
import { UserError } from '../errors.js';

/** A hostNetwork pod is its node's namespace, seen with the pod's own resolv.conf and hostname. */
export type Target = { node: string; hostNetworkPod?: { namespace: string; pod: string } } | { namespace: string; pod: string };

export async function resolveTarget(lab: Pick<Lab, 'nodes' | 'list'>, target: string, namespace: string): Promise<Target> {
  if (target.startsWith('node/')) {
    const node = target.slice(5);
    const nodes = await lab.nodes();
    if (!nodes.includes(node)) throw new UserError(`there is no node "${node}": the nodes are ${nodes.join(', ')}`);
    return { node };
  }
  const pods = await lab.list('Pod', namespace);
  const pod = findPod(pods, target.replace(/^pods?\//, ''));
  if (!pod) throw new UserError(`no pod or deployment "${target}" in namespace ${namespace}: list them with "netbreak get pods -n ${namespace}"`);
  if ((pod.spec as { hostNetwork?: boolean }).hostNetwork)
    return { node: (pod.spec as { nodeName: string }).nodeName, hostNetworkPod: { namespace, pod: pod.metadata.name } };
  return { namespace, pod: pod.metadata.name };
}

export function targetLabel(t: Target): string {
  return 'node' in t ? `node/${t.node}` : `${t.namespace}/${t.pod}`;
}
