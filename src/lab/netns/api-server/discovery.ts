// Discovery as kube-apiserver serves it: /api and /apis (legacy lists, or aggregated
// discovery v2 when the client asks for it, as kubectl 1.30+ does), /api/v1 and
// /apis/GROUP/VERSION resource lists, and /version.
import { API_RESOURCES, groupVersionOf, servedGroups, type ApiResource } from '../../../k8s/api-resources.js';
import type { ApiContext } from './context.js';
import type { Router } from './router.js';

/** The Kubernetes version the lab's API speaks: kubectl 1.32's, so it prints no version-skew warning. */
export const SERVED_VERSION = { major: '1', minor: '32', gitVersion: 'v1.32.0' };

const AGGREGATED = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList';

/** Whether the Accept header asks for aggregated discovery v2 (before any plain JSON it also takes). */
function wantsAggregated(accept: string): boolean {
  return accept.split(',').some((part) => {
    const params = part.split(';').map((p) => p.trim());
    return params.includes('g=apidiscovery.k8s.io') && params.includes('v=v2') && params.includes('as=APIGroupDiscoveryList');
  });
}

function legacyResources(r: ApiResource): Record<string, unknown>[] {
  return [
    {
      name: r.plural,
      singularName: r.singular,
      namespaced: r.namespaced,
      kind: r.kind,
      verbs: r.verbs,
      ...(r.shortNames.length ? { shortNames: r.shortNames } : {}),
      ...(r.categories.length ? { categories: r.categories } : {}),
    },
    ...r.subresources.map((s) => ({ name: `${r.plural}/${s.name}`, singularName: '', namespaced: r.namespaced, kind: s.kind, verbs: s.verbs })),
  ];
}

function aggregatedResource(r: ApiResource): Record<string, unknown> {
  return {
    resource: r.plural,
    responseKind: { group: r.group, version: r.version, kind: r.kind },
    scope: r.namespaced ? 'Namespaced' : 'Cluster',
    singularResource: r.singular,
    verbs: r.verbs,
    ...(r.shortNames.length ? { shortNames: r.shortNames } : {}),
    ...(r.categories.length ? { categories: r.categories } : {}),
    subresources: r.subresources.map((s) => ({
      subresource: s.name,
      responseKind: { group: s.kind === 'Scale' ? 'autoscaling' : r.group, version: 'v1', kind: s.kind },
      verbs: s.verbs,
    })),
  };
}

function aggregatedGroups(core: boolean): Record<string, unknown> {
  const groups = servedGroups().filter((g) => (g.group === '') === core);
  return {
    kind: 'APIGroupDiscoveryList',
    apiVersion: 'apidiscovery.k8s.io/v2',
    metadata: {},
    items: groups.map((g) => ({
      metadata: { name: g.group, creationTimestamp: null },
      versions: [
        {
          version: g.version,
          resources: API_RESOURCES.filter((r) => r.group === g.group && r.version === g.version).map(aggregatedResource),
          freshness: 'Current',
        },
      ],
    })),
  };
}

function groupVersion(group: string, version: string) {
  return (ctx: ApiContext) =>
    ctx.send(200, {
      kind: 'APIResourceList',
      apiVersion: 'v1',
      groupVersion: group ? `${group}/${version}` : version,
      resources: API_RESOURCES.filter((r) => r.group === group && r.version === version).flatMap(legacyResources),
    });
}

export function registerDiscovery(router: Router): void {
  router.route('GET', '/api', (ctx) => {
    if (wantsAggregated(ctx.accept)) return ctx.send(200, aggregatedGroups(true), AGGREGATED);
    ctx.send(200, {
      kind: 'APIVersions',
      versions: ['v1'],
      serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: ctx.req.headers.host ?? '127.0.0.1' }],
    });
  });
  router.route('GET', '/apis', (ctx) => {
    if (wantsAggregated(ctx.accept)) return ctx.send(200, aggregatedGroups(false), AGGREGATED);
    ctx.send(200, {
      kind: 'APIGroupList',
      apiVersion: 'v1',
      groups: servedGroups()
        .filter((g) => g.group !== '')
        .map((g) => {
          const gv = { groupVersion: groupVersionOf(g), version: g.version };
          return { name: g.group, versions: [gv], preferredVersion: gv };
        }),
    });
  });
  for (const { group, version } of servedGroups()) {
    router.route('GET', group ? `/apis/${group}/${version}` : `/api/${version}`, groupVersion(group, version));
    if (group) {
      router.route('GET', `/apis/${group}`, (ctx) => {
        const gv = { groupVersion: `${group}/${version}`, version };
        ctx.send(200, { kind: 'APIGroup', apiVersion: 'v1', name: group, versions: [gv], preferredVersion: gv });
      });
    }
  }
  router.route('GET', '/version', (ctx) =>
    ctx.send(200, {
      ...SERVED_VERSION,
      gitCommit: 'netbreak',
      gitTreeState: 'clean',
      buildDate: '2024-12-11T00:00:00Z',
      goVersion: `node${process.versions.node}`,
      compiler: 'netbreak',
      platform: `${process.platform}/${process.arch === 'x64' ? 'amd64' : process.arch}`,
    }),
  );
  // kube-apiserver's health endpoints: plain "ok" once the API serves.
  for (const path of ['/healthz', '/livez', '/readyz']) router.route('GET', path, (ctx) => ctx.send(200, 'ok', 'text/plain; charset=utf-8'));
}
