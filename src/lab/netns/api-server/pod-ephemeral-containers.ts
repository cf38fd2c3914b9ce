// pods/ephemeralcontainers: what `kubectl debug -it pod/x --image=…` patches to add
// a debugging container to a running pod. The lab pulls no image (the host's tools
// are every container's image), so the container "runs" as soon as it is added:
// its status says so at once, and attaching to it (pod-attach.ts) starts its
// command, or a shell, in the pod's network namespace.
import { badRequest, invalid, methodNotAllowed, unsupportedMediaType } from '../../../k8s/api-status.js';
import type { KubeObject } from '../../../k8s/objects.js';
import type { ApiContext } from './context.js';

interface EphemeralContainer {
  name: string;
  image?: string;
}

const merged = (current: EphemeralContainer[], patch: EphemeralContainer[]) => [
  ...current.map((c) => ({ ...c, ...(patch.find((p) => p.name === c.name) ?? {}) })),
  ...patch.filter((p) => !current.some((c) => c.name === p.name)),
];

/** The ephemeral containers a PATCH or PUT asks for: the whole list (update), or merged by name (merge and strategic merge patches). */
async function requested(ctx: ApiContext, current: EphemeralContainer[]): Promise<EphemeralContainer[]> {
  const body = (await ctx.json()) as { spec?: { ephemeralContainers?: EphemeralContainer[] } };
  const asked = body?.spec?.ephemeralContainers;
  if (!Array.isArray(asked)) throw badRequest('the request must carry spec.ephemeralContainers');
  if (ctx.method === 'PUT') return asked;
  if (ctx.contentType === 'application/strategic-merge-patch+json' || ctx.contentType === 'application/merge-patch+json') return merged(current, asked);
  throw unsupportedMediaType(['application/strategic-merge-patch+json', 'application/merge-patch+json']);
}

export async function ephemeralContainers(ctx: ApiContext, pod: KubeObject): Promise<KubeObject> {
  const spec = pod.spec as { containers: { name: string }[]; ephemeralContainers?: EphemeralContainer[] };
  if (ctx.method === 'GET') return pod;
  if (ctx.method !== 'PATCH' && ctx.method !== 'PUT') throw methodNotAllowed();
  const current = spec.ephemeralContainers ?? [];
  const wanted = await requested(ctx, current);
  const causes = wanted.flatMap((c, i) => {
    const field = `spec.ephemeralContainers[${i}]`;
    if (!c.name) return [{ reason: 'FieldValueRequired', field: `${field}.name`, message: 'Required value' }];
    if (spec.containers.some((p) => p.name === c.name))
      return [{ reason: 'FieldValueDuplicate', field: `${field}.name`, message: `Duplicate value: "${c.name}"` }];
    if (!c.image) return [{ reason: 'FieldValueRequired', field: `${field}.image`, message: 'Required value' }];
    return [];
  });
  // Ephemeral containers cannot be changed or removed once added (kube-apiserver's rule).
  for (const c of current) {
    const now = wanted.find((w) => w.name === c.name);
    if (JSON.stringify(now) !== JSON.stringify(c))
      causes.push({ reason: 'FieldValueForbidden', field: 'spec.ephemeralContainers', message: 'Forbidden: existing ephemeral containers may not be changed' });
  }
  if (causes.length) throw invalid('Pod', '', pod.metadata.name, causes);
  if (ctx.query.get('dryRun') === 'All') return { ...pod, spec: { ...spec, ephemeralContainers: wanted } };
  const [stored] = ctx.lab.apply([{ ...pod, spec: { ...spec, ephemeralContainers: wanted } }]);
  const startedAt = new Date().toISOString();
  const before = (pod.status as { ephemeralContainerStatuses?: { name: string }[] } | undefined)?.ephemeralContainerStatuses ?? [];
  const statuses = wanted.map(
    (c) =>
      before.find((s) => s.name === c.name) ?? { name: c.name, image: c.image, imageID: '', ready: false, restartCount: 0, state: { running: { startedAt } } },
  );
  // Status is the kubelet's to write, not admission's: stored as the lab's kubelet stores pod status.
  return ctx.lab.store.put({ ...stored!, status: { ...(stored!.status as object), ephemeralContainerStatuses: statuses } });
}
