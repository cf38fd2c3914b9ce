// The Pod subresources that stream rather than answer once: exec, attach and
// portforward (WebSocket upgrades) and log (a plain response that may stay open).
import { ApiError, badRequest, methodNotAllowed, notFound } from '../../../k8s/api-status.js';
import type { KubeObject } from '../../../k8s/objects.js';
import type { ApiContext } from './context.js';
import { served } from './representation.js';
import { ephemeralContainers } from './pod-ephemeral-containers.js';
import type { LabControl } from './lab-control.js';
import { serveAttach } from './pod-attach.js';
import { serveExec } from './pod-exec.js';
import { logRequest, serveLog } from './pod-log.js';
import { servePortForward } from './pod-port-forward.js';
import type { Router, UpgradeRequest } from './router.js';
import { refuseUpgrade } from './upgrade-refusal.js';

const PODS = { group: '', plural: 'pods' };

function storedPod(lab: LabControl, namespace: string | undefined, name: string | undefined): KubeObject {
  const pod = lab.store.get({ kind: 'Pod', namespace: namespace ?? 'default', name: name ?? '' });
  if (!pod) throw notFound(PODS, name ?? '');
  return pod;
}

/** Whether the pod was deleted (or replaced by one of the same name) since `pod` was read. */
function podGone(lab: LabControl, pod: KubeObject): boolean {
  return lab.store.get({ kind: 'Pod', namespace: pod.metadata.namespace, name: pod.metadata.name })?.metadata.uid !== pod.metadata.uid;
}

/** An upgrade handler that first finds the pod, answering NotFound on the raw socket as kube-apiserver does. */
function withPod(serve: (lab: LabControl, pod: KubeObject, upgrade: UpgradeRequest) => void) {
  return (upgrade: UpgradeRequest) => {
    let pod: KubeObject;
    try {
      pod = storedPod(upgrade.lab, upgrade.target.namespace, upgrade.target.name);
    } catch (error) {
      if (error instanceof ApiError) return refuseUpgrade(upgrade.socket, error);
      throw error;
    }
    serve(upgrade.lab, pod, upgrade);
  };
}

/** exec, attach and portforward without an Upgrade header: kube-apiserver's answer. */
function upgradeRequired(ctx: ApiContext): void {
  storedPod(ctx.lab, ctx.target?.namespace, ctx.target?.name);
  throw badRequest('Upgrade request required');
}

function log(ctx: ApiContext): void {
  if (ctx.method !== 'GET') throw methodNotAllowed();
  const pod = storedPod(ctx.lab, ctx.target?.namespace, ctx.target?.name);
  const request = logRequest(pod, ctx.query);
  if ('refusal' in request) throw request.refusal;
  serveLog(ctx.lab.lab, pod, request.options, ctx.res, () => podGone(ctx.lab, pod));
}

async function ephemeral(ctx: ApiContext): Promise<void> {
  const pod = storedPod(ctx.lab, ctx.target?.namespace, ctx.target?.name);
  ctx.send(200, served(ctx.target!.resource, await ephemeralContainers(ctx, pod)));
}

export function registerPodStreams(router: Router): void {
  router.subresource('pods', 'ephemeralcontainers', ephemeral);
  router.upgrade(
    'pods',
    'exec',
    withPod((lab, pod, u) => serveExec(lab.lab, pod, u.req, u.socket, u.head)),
  );
  router.upgrade(
    'pods',
    'attach',
    withPod((lab, pod, u) => serveAttach(lab.lab, pod, u.req, u.socket, u.head, () => podGone(lab, pod))),
  );
  router.upgrade(
    'pods',
    'portforward',
    withPod((lab, pod, u) => servePortForward(lab.lab, pod, u.req, u.socket, u.head)),
  );
  for (const name of ['exec', 'attach', 'portforward']) router.subresource('pods', name, upgradeRequired);
  router.subresource('pods', 'log', log);
}
