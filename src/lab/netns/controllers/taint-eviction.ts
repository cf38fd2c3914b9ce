// The taint manager of kube-controller-manager (NoExecuteTaintManager): a pod bound
// to a node with a NoExecute taint it does not tolerate is evicted, whoever owns
// it; its Deployment then makes a new pod wherever the scheduler allows, and a
// DaemonSet makes none there. A toleration with tolerationSeconds > 0 is honoured
// without counting down: a scenario lasts minutes, upstream's default is 300 s.
import { nodeTaints, untoleratedTaint, type Toleration } from '../../../k8s/tolerations.js';
import type { ObjectStore } from '../store.js';

/** Deletes the pods that NoExecute taints evict; returns true when it changed the store. */
export function evictUntoleratedPods(store: ObjectStore): boolean {
  const nodes = new Map(store.list('Node').map((n) => [n.metadata.name, n]));
  let changed = false;
  for (const pod of store.list('Pod')) {
    const spec = pod.spec as { nodeName?: string; tolerations?: Toleration[] } | undefined;
    const node = spec?.nodeName ? nodes.get(spec.nodeName) : undefined;
    if (!node) continue;
    // tolerationSeconds 0 (or less) means evict at once, as upstream does.
    const tolerations = (spec?.tolerations ?? []).filter((t) => t.tolerationSeconds === undefined || t.tolerationSeconds > 0);
    if (untoleratedTaint(nodeTaints(node), tolerations, ['NoExecute'])) {
      store.delete({ kind: 'Pod', namespace: pod.metadata.namespace, name: pod.metadata.name });
      changed = true;
    }
  }
  return changed;
}
