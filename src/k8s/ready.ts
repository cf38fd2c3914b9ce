// Readiness as the API reports it: the object's Ready condition says True. Pods
// carry it (kubelet sets it from the readiness probes), and so do Nodes.
import type { KubeObject } from './objects.js';

export function isReady(obj: KubeObject): boolean {
  const conditions = (obj.status as { conditions?: { type: string; status: string }[] } | undefined)?.conditions ?? [];
  return conditions.some((c) => c.type === 'Ready' && c.status === 'True');
}
