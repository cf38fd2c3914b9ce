// What the lab's one user may do, as `kubectl auth can-i` and `kubectl auth whoami` ask it:
// SelfSubjectAccessReview (one verb on one resource), SelfSubjectRulesReview (`can-i --list`)
// and SelfSubjectReview. The user may do everything the lab serves, and nothing else: a verb
// on a resource the lab does not serve is answered "no" with the reason.
import { API_RESOURCES, type ApiResource } from '../../../k8s/api-resources.js';
import { badRequest } from '../../../k8s/api-status.js';
import type { ApiContext } from './context.js';
import { decodeBody } from './decode.js';
import type { Router } from './router.js';

const AUTHORIZATION = 'authorization.k8s.io/v1';
const AUTHENTICATION = 'authentication.k8s.io/v1';
/** The reviews themselves: every user may create them. */
const REVIEWS = [
  { group: 'authorization.k8s.io', plural: 'selfsubjectaccessreviews' },
  { group: 'authorization.k8s.io', plural: 'selfsubjectrulesreviews' },
  { group: 'authentication.k8s.io', plural: 'selfsubjectreviews' },
];
const NON_RESOURCE_URLS = ['/api', '/api/*', '/apis', '/apis/*', '/healthz', '/livez', '/openapi', '/openapi/*', '/readyz', '/version', '/version/'];

interface ResourceAttributes {
  namespace?: string;
  verb?: string;
  group?: string;
  resource?: string;
  subresource?: string;
}

async function review(ctx: ApiContext, apiVersion: string, kind: string): Promise<Record<string, unknown>> {
  const body = (await decodeBody(ctx)) as Record<string, unknown> | null;
  if (!body || typeof body !== 'object') throw badRequest(`the request body is not a ${kind} object`);
  return { ...body, apiVersion, kind, metadata: { creationTimestamp: null } };
}

/** The verbs the lab serves on group/resource[/subresource]; undefined when it serves no such resource. */
function servedVerbs(a: ResourceAttributes): string[] | undefined {
  if (REVIEWS.some((r) => r.group === (a.group ?? '') && r.plural === a.resource)) return a.subresource ? undefined : ['create'];
  const resource = API_RESOURCES.find((r) => r.group === (a.group ?? '') && r.plural === a.resource);
  if (!resource) return undefined;
  if (!a.subresource) return resource.verbs;
  return resource.subresources.find((s) => s.name === a.subresource)?.verbs;
}

function accessStatus(spec: { resourceAttributes?: ResourceAttributes; nonResourceAttributes?: { path?: string; verb?: string } }) {
  const nonResource = spec.nonResourceAttributes;
  if (nonResource) {
    const path = nonResource.path ?? '';
    const served = NON_RESOURCE_URLS.some((u) => (u.endsWith('*') ? path.startsWith(u.slice(0, -1)) : path === u));
    return served && nonResource.verb === 'get' ? { allowed: true } : { allowed: false, reason: `the lab serves no ${path} for ${nonResource.verb}` };
  }
  const a = spec.resourceAttributes ?? {};
  const verbs = servedVerbs(a);
  const what = `${a.resource ?? ''}${a.subresource ? `/${a.subresource}` : ''}${a.group ? `.${a.group}` : ''}`;
  if (!verbs) return { allowed: false, reason: `the lab serves no resource ${what}` };
  if (a.verb === '*' || verbs.includes(a.verb ?? '')) return { allowed: true };
  return { allowed: false, reason: `the lab does not ${a.verb} ${what}` };
}

function rules(): Record<string, unknown> {
  const resourceRules = [
    ...REVIEWS.map((r) => ({ verbs: ['create'], apiGroups: [r.group], resources: [r.plural] })),
    ...API_RESOURCES.flatMap((r: ApiResource) => [
      { verbs: r.verbs, apiGroups: [r.group], resources: [r.plural] },
      ...r.subresources.map((s) => ({ verbs: s.verbs, apiGroups: [r.group], resources: [`${r.plural}/${s.name}`] })),
    ]),
  ];
  return { resourceRules, nonResourceRules: [{ verbs: ['get'], nonResourceURLs: NON_RESOURCE_URLS }], incomplete: false };
}

export function registerSelfReviews(router: Router): void {
  router.route('POST', `/apis/${AUTHORIZATION}/selfsubjectaccessreviews`, async (ctx) => {
    const obj = await review(ctx, AUTHORIZATION, 'SelfSubjectAccessReview');
    ctx.send(201, { ...obj, status: accessStatus((obj.spec ?? {}) as Parameters<typeof accessStatus>[0]) });
  });
  router.route('POST', `/apis/${AUTHORIZATION}/selfsubjectrulesreviews`, async (ctx) => {
    const obj = await review(ctx, AUTHORIZATION, 'SelfSubjectRulesReview');
    ctx.send(201, { ...obj, status: rules() });
  });
  router.route('POST', `/apis/${AUTHENTICATION}/selfsubjectreviews`, async (ctx) => {
    const obj = await review(ctx, AUTHENTICATION, 'SelfSubjectReview');
    // The lab's one user: its kubeconfig's token, in the superuser group as kubeadm's admin is.
    ctx.send(201, { ...obj, status: { userInfo: { username: `netbreak-${ctx.lab.lab}`, groups: ['system:masters', 'system:authenticated'] } } });
  });
}
