// On a shared cluster every learner gets their own copy of a scenario's
// namespaces: `shop` becomes `nb-<learner>-shop`. This module maps objects,
// refs, probe sources and service DNS names there and back, so scenarios,
// grading and the learner's `get` keep speaking of `shop`.
import type { KubeObject } from '../../k8s/objects.js';

export const SYSTEM_NAMESPACES = new Set(['kube-system', 'kube-public', 'kube-node-lease']);
export const LEARNER_LABEL = 'netbreak.dev/learner';
export const SCENARIO_NAMESPACE_LABEL = 'netbreak.dev/namespace';
export const LEARNER_PATTERN = /^[a-z0-9]([-a-z0-9]{0,18}[a-z0-9])?$/;
const METADATA_NAME = 'kubernetes.io/metadata.name';

export class NamespaceRefusedError extends Error {}

export class NamespaceMap {
  constructor(readonly learner: string) {}

  get prefix(): string {
    return `nb-${this.learner}-`;
  }

  isSystem(namespace: string): boolean {
    return SYSTEM_NAMESPACES.has(namespace);
  }

  /** The learner's namespace for a scenario namespace; system namespaces are shared and stay as they are. */
  toCluster(namespace: string): string {
    if (this.isSystem(namespace) || namespace.startsWith(this.prefix)) return namespace;
    const mapped = `${this.prefix}${namespace}`;
    if (mapped.length > 63)
      throw new NamespaceRefusedError(
        `namespace "${namespace}" is too long to give learner ${this.learner} a copy of it (${mapped} has more than 63 characters)`,
      );
    return mapped;
  }

  /** The scenario's name for a cluster namespace, or undefined when it is not one of this learner's. */
  fromCluster(namespace: string): string | undefined {
    if (this.isSystem(namespace)) return namespace;
    return namespace.startsWith(this.prefix) ? namespace.slice(this.prefix.length) : undefined;
  }

  /** An object as it is sent to the cluster: its namespace, a Namespace's name, and policy namespace selectors by name. */
  object(obj: KubeObject): KubeObject {
    const copy = structuredClone(obj);
    if (copy.kind === 'Namespace') {
      const mapped = this.toCluster(copy.metadata.name);
      copy.metadata.labels = { ...(copy.metadata.labels ?? {}), [LEARNER_LABEL]: this.learner, [SCENARIO_NAMESPACE_LABEL]: copy.metadata.name };
      if (copy.metadata.labels[METADATA_NAME]) copy.metadata.labels[METADATA_NAME] = mapped;
      copy.metadata.name = mapped;
    } else if (copy.metadata.namespace) {
      copy.metadata.namespace = this.toCluster(copy.metadata.namespace);
    }
    if (copy.kind === 'NetworkPolicy') this.mapPolicySelectors(copy, (ns) => this.toCluster(ns));
    return copy;
  }

  /** An object as the cluster returned it, named as the scenario names it. */
  objectBack(obj: KubeObject): KubeObject {
    const copy = structuredClone(obj);
    if (copy.kind === 'Namespace') {
      copy.metadata.name = this.fromCluster(copy.metadata.name) ?? copy.metadata.name;
      if (copy.metadata.labels?.[METADATA_NAME]) copy.metadata.labels[METADATA_NAME] = copy.metadata.name;
    } else if (copy.metadata.namespace) {
      copy.metadata.namespace = this.fromCluster(copy.metadata.namespace) ?? copy.metadata.namespace;
    }
    if (copy.kind === 'NetworkPolicy') this.mapPolicySelectors(copy, (ns) => this.fromCluster(ns) ?? ns);
    return copy;
  }

  /** `namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: shop}}` names a namespace: map the name. */
  private mapPolicySelectors(policy: KubeObject, map: (ns: string) => string): void {
    const spec = policy.spec as { ingress?: { from?: Peer[] }[]; egress?: { to?: Peer[] }[] } | undefined;
    const peers = [...(spec?.ingress ?? []).flatMap((r) => r.from ?? []), ...(spec?.egress ?? []).flatMap((r) => r.to ?? [])];
    for (const peer of peers) {
      const labels = peer.namespaceSelector?.matchLabels;
      if (labels?.[METADATA_NAME]) labels[METADATA_NAME] = map(labels[METADATA_NAME]);
      for (const expr of peer.namespaceSelector?.matchExpressions ?? []) {
        if (expr.key === METADATA_NAME && expr.values) expr.values = expr.values.map(map);
      }
    }
  }

  /** `shop/frontend` → `nb-alice-shop/frontend`. */
  podRef(ref: string): string {
    const [namespace, name] = ref.split('/', 2) as [string, string];
    return `${this.toCluster(namespace)}/${name}`;
  }

  /**
   * Service and pod DNS names in a probe URL: `api.shop`, `api.shop.svc`,
   * `api.shop.svc.cluster.local`, `10-244-1-3.shop.pod.cluster.local` name the
   * scenario's namespace in their second label; IPs and other names are kept.
   */
  probeUrl(url: string, scenarioNamespaces: ReadonlySet<string>): string {
    const match = /^(\w+:\/\/)([^/:]+)(.*)$/.exec(url);
    if (!match) return url;
    const labels = match[2]!.split('.');
    const ns = labels[1];
    if (ns && scenarioNamespaces.has(ns) && !this.isSystem(ns) && (labels.length === 2 || labels[2] === 'svc' || labels[2] === 'pod')) {
      labels[1] = this.toCluster(ns);
    }
    return `${match[1]}${labels.join('.')}${match[3]}`;
  }
}

interface Peer {
  namespaceSelector?: { matchLabels?: Record<string, string>; matchExpressions?: { key: string; operator: string; values?: string[] }[] };
}
