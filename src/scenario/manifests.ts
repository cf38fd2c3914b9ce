// Kubernetes manifests of a scenario: ordinary multi-document YAML, checked up
// front for the kinds netbreak's labs know and for the mistakes the API server
// would reject later (bad names, ports, selectors), each with a file:line.
import { isClusterScoped } from '../k8s/kinds.js';
import type { KubeObject } from '../k8s/objects.js';
import { ScenarioError, formatPath, quote } from './errors.js';
import { describeValue, isPlainObject } from './issue-text.js';
import { andList, closeMatches, orList } from './suggest.js';
import type { ParamValues } from './params.js';
import { substituteOrThrow } from './substitute.js';
import { locate, parseYamlStream, readYamlText, type ParsedYaml } from './yaml-source.js';

/** The kinds every lab stores and reconciles, with the apiVersion each is written with. */
export const SUPPORTED_KINDS = {
  Namespace: 'v1',
  Pod: 'v1',
  Deployment: 'apps/v1',
  DaemonSet: 'apps/v1',
  Service: 'v1',
  EndpointSlice: 'discovery.k8s.io/v1',
  NetworkPolicy: 'networking.k8s.io/v1',
  ConfigMap: 'v1',
} as const;
export type SupportedKind = keyof typeof SUPPORTED_KINDS;

/** Whether objects of this kind live in a namespace (everything but Namespace and Node). */
export function isNamespaced(kind: string): boolean {
  return !isClusterScoped(kind);
}

/** Where an object was defined: file (display path) and the line of its document. */
export interface ManifestSource {
  file: string;
  line?: number;
}

const sources = new WeakMap<KubeObject, ManifestSource>();

/** The file and line an object loaded by this module came from. */
export function manifestSource(object: KubeObject): ManifestSource | undefined {
  return sources.get(object);
}

/** `file:line`, for messages that name where an object was defined. */
export function sourceText(source: ManifestSource | undefined): string {
  if (!source) return 'an unknown place';
  return source.line !== undefined ? `${source.file}:${source.line}` : source.file;
}

/** `Kind/namespace/name` (or `Kind/name`) of a loaded object. */
export function objectKey(object: KubeObject): string {
  const { kind, metadata } = object;
  return metadata.namespace ? `${kind}/${metadata.namespace}/${metadata.name}` : `${kind}/${metadata.name}`;
}

/**
 * Reads and checks one manifest file (at most 1 MiB). Empty documents are
 * skipped; namespaced objects without a namespace get `default`. Throws a
 * ScenarioError naming `displayPath` and the line of the first problem.
 */
export async function loadManifestFile(absPath: string, displayPath: string, params?: ParamValues): Promise<KubeObject[]> {
  const source = await readYamlText(absPath, displayPath);
  return parseManifests(source.text, displayPath, params);
}

/**
 * As loadManifestFile, for text already in memory. With `params` (a scenario's
 * manifests), `{{ params.name }}` placeholders are filled in first; without
 * (a learner's own file), the text is taken as written.
 */
export function parseManifests(text: string, displayPath: string, params?: ParamValues): KubeObject[] {
  const docs = parseYamlStream({ file: displayPath, text }, params === undefined ? undefined : substituteOrThrow(params));
  const objects: KubeObject[] = [];
  const seen = new Map<string, ManifestSource>();
  for (const doc of docs) {
    const object = checkObject(doc);
    const where: ManifestSource = { file: displayPath };
    const pos = locate(doc, []);
    if (pos) where.line = pos.line;
    const key = objectKey(object);
    const first = seen.get(key);
    if (first) {
      throw new ScenarioError({
        file: displayPath,
        ...(where.line !== undefined ? { line: where.line } : {}),
        problem: `${key} is already defined at ${sourceText(first)}; keep only one of them`,
      });
    }
    seen.set(key, where);
    sources.set(object, where);
    objects.push(object);
  }
  return objects;
}

type Path = (string | number)[];
type Obj = Record<string, unknown>;

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL_NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const IANA_SVC_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const CONFIG_KEY = /^[-._a-zA-Z0-9]+$/;
const PROTOCOLS = ['TCP', 'UDP', 'SCTP'];

/** Shape checks for one document; `fail` throws at the first problem with the field's line. */
class Checker {
  constructor(private readonly doc: ParsedYaml) {}

  fail(path: Path, problem: string): never {
    const pos = locate(this.doc, path);
    throw new ScenarioError({
      file: this.doc.file,
      ...(pos ? { line: pos.line } : {}),
      ...(path.length > 0 ? { path: formatPath(path) } : {}),
      problem,
    });
  }

  at(path: Path): unknown {
    let v: unknown = this.doc.data;
    for (const seg of path) {
      if (Array.isArray(v) && typeof seg === 'number') v = v[seg];
      else if (isPlainObject(v) && typeof seg === 'string' && Object.hasOwn(v, seg)) v = v[seg];
      else return undefined;
    }
    return v;
  }

  map(path: Path, required: boolean): Obj | undefined {
    const v = this.at(path);
    if (v === undefined || v === null) {
      if (required) this.fail(path, v === null ? 'must be a mapping, not empty' : 'required field is missing; add it');
      return undefined;
    }
    if (!isPlainObject(v)) this.fail(path, `must be a mapping, not ${describeValue(v)}`);
    return v;
  }

  list(path: Path, required: boolean): unknown[] | undefined {
    const v = this.at(path);
    if (v === undefined || v === null) {
      if (required) this.fail(path, v === null ? 'must be a list, not empty' : 'required field is missing; add it');
      return undefined;
    }
    if (!Array.isArray(v)) this.fail(path, `must be a list, not ${describeValue(v)}`);
    return v;
  }

  string(path: Path, required: boolean): string | undefined {
    const v = this.at(path);
    if (v === undefined || v === null) {
      if (required) this.fail(path, 'required field is missing; add it');
      return undefined;
    }
    if (typeof v !== 'string') this.fail(path, `must be a string, not ${describeValue(v)}`);
    return v;
  }

  dnsLabel(path: Path, required: boolean): string | undefined {
    const v = this.string(path, required);
    if (v !== undefined && (v.length > 63 || !DNS_LABEL.test(v))) {
      this.fail(
        path,
        `must be a DNS label (at most 63 lower-case letters, digits and dashes, starting and ending with a letter or digit), not ${quote(v, 40)}`,
      );
    }
    return v;
  }

  dnsSubdomain(path: Path, required: boolean): string | undefined {
    const v = this.string(path, required);
    if (v !== undefined && (v.length > 253 || !DNS_SUBDOMAIN.test(v))) {
      this.fail(path, `must be a DNS subdomain (lower-case letters, digits, dashes and dots, starting and ending with a letter or digit), not ${quote(v, 40)}`);
    }
    return v;
  }

  /** A map of label keys to label values, as in metadata.labels and selectors. */
  labels(path: Path): Record<string, string> | undefined {
    const m = this.map(path, false);
    if (!m) return undefined;
    for (const [key, value] of Object.entries(m)) {
      const slash = key.lastIndexOf('/');
      const name = slash >= 0 ? key.slice(slash + 1) : key;
      const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
      if (name.length > 63 || !LABEL_NAME.test(name) || (prefix !== undefined && (prefix.length > 253 || !DNS_SUBDOMAIN.test(prefix)))) {
        this.fail(
          [...path, key],
          'is not a valid label key (an optional DNS prefix and a slash, then at most 63 letters, digits, dashes, dots and underscores)',
        );
      }
      if (typeof value !== 'string') {
        const hint = typeof value === 'number' || typeof value === 'boolean' ? `; quote it: "${String(value)}"` : '';
        this.fail([...path, key], `label values must be strings, not ${describeValue(value)}${hint}`);
      }
      if (value.length > 63 || (value !== '' && !LABEL_NAME.test(value))) {
        this.fail([...path, key], `is not a valid label value (at most 63 letters, digits, dashes, dots and underscores), not ${quote(value, 40)}`);
      }
    }
    return m as Record<string, string>;
  }

  /** A map whose values are strings (annotations, ConfigMap data). */
  stringMap(path: Path, keyPattern?: RegExp): Record<string, string> | undefined {
    const m = this.map(path, false);
    if (!m) return undefined;
    for (const [key, value] of Object.entries(m)) {
      if (keyPattern && !keyPattern.test(key)) this.fail([...path, key], 'is not a valid key (letters, digits, dashes, dots and underscores)');
      if (typeof value !== 'string') {
        const hint = typeof value === 'number' || typeof value === 'boolean' ? `; quote it: "${String(value)}"` : '';
        this.fail([...path, key], `must be a string, not ${describeValue(value)}${hint}`);
      }
    }
    return m as Record<string, string>;
  }

  oneOf(path: Path, allowed: readonly string[], required: boolean): string | undefined {
    const v = this.string(path, required);
    if (v !== undefined && !allowed.includes(v)) {
      const near = closeMatches(v, allowed, 1);
      this.fail(path, `must be one of ${orList(allowed)}, not ${quote(v, 40)}${near.length > 0 ? ` (did you mean ${near[0]}?)` : ''}`);
    }
    return v;
  }

  /** A port number, or (when `named`) the name of a container port. */
  port(path: Path, required: boolean, named: boolean): number | string | undefined {
    const v = this.at(path);
    if (v === undefined || v === null) {
      if (required) this.fail(path, 'required field is missing; add a port number');
      return undefined;
    }
    if (typeof v === 'number') {
      if (!Number.isInteger(v) || v < 1 || v > 65535) this.fail(path, `must be a port number from 1 to 65535, not ${String(v)}`);
      return v;
    }
    if (named && typeof v === 'string') {
      if (v.length > 15 || !IANA_SVC_NAME.test(v) || !/[a-z]/.test(v)) {
        this.fail(path, `must be a port number from 1 to 65535 or a port name (at most 15 lower-case letters, digits and dashes), not ${quote(v, 40)}`);
      }
      return v;
    }
    this.fail(path, `must be a port number from 1 to 65535${named ? ' or a port name' : ''}, not ${describeValue(v)}`);
  }

  protocol(path: Path): void {
    this.oneOf(path, PROTOCOLS, false);
  }

  selector(path: Path, required: boolean): { matchLabels?: Record<string, string>; matchExpressions?: Obj[] } | undefined {
    const sel = this.map(path, required);
    if (!sel) return undefined;
    const matchLabels = this.labels([...path, 'matchLabels']);
    const exprs = this.list([...path, 'matchExpressions'], false);
    exprs?.forEach((_, i) => {
      const p = [...path, 'matchExpressions', i];
      this.map(p, true);
      this.string([...p, 'key'], true);
      const op = this.oneOf([...p, 'operator'], ['In', 'NotIn', 'Exists', 'DoesNotExist'], true);
      const values = this.list([...p, 'values'], false);
      values?.forEach((__, j) => this.string([...p, 'values', j], true));
      if ((op === 'In' || op === 'NotIn') && (!values || values.length === 0)) this.fail([...p, 'values'], `must list at least one value for operator ${op}`);
      if ((op === 'Exists' || op === 'DoesNotExist') && values && values.length > 0) this.fail([...p, 'values'], `must be empty for operator ${op}`);
    });
    const out: { matchLabels?: Record<string, string>; matchExpressions?: Obj[] } = {};
    if (matchLabels) out.matchLabels = matchLabels;
    if (exprs) out.matchExpressions = exprs as Obj[];
    return out;
  }

  podSpec(path: Path): void {
    this.map(path, true);
    const containers = this.list([...path, 'containers'], true)!;
    if (containers.length === 0) this.fail([...path, 'containers'], 'must list at least one container');
    containers.forEach((_, i) => {
      const c = [...path, 'containers', i];
      this.map(c, true);
      this.dnsLabel([...c, 'name'], true);
      this.string([...c, 'image'], true);
      this.list([...c, 'ports'], false)?.forEach((__, j) => {
        const p = [...c, 'ports', j];
        this.map(p, true);
        this.port([...p, 'containerPort'], true, false);
        this.protocol([...p, 'protocol']);
        const name = this.string([...p, 'name'], false);
        if (name !== undefined) this.port([...p, 'name'], false, true);
      });
    });
    this.labels([...path, 'nodeSelector']);
  }

  /** Deployment and DaemonSet: a selector, and a pod template whose labels it selects. */
  workload(): void {
    this.map(['spec'], true);
    const selector = this.selector(['spec', 'selector'], true)!;
    if (!selector.matchLabels && !selector.matchExpressions) {
      this.fail(['spec', 'selector'], 'must have matchLabels or matchExpressions; an empty selector is not allowed here');
    }
    this.map(['spec', 'template'], true);
    this.map(['spec', 'template', 'metadata'], true);
    const labels = this.labels(['spec', 'template', 'metadata', 'labels']) ?? {};
    for (const [key, value] of Object.entries(selector.matchLabels ?? {})) {
      if (labels[key] !== value) {
        this.fail(
          ['spec', 'template', 'metadata', 'labels'],
          `must include ${key}: ${value} from spec.selector.matchLabels, or the ${this.at(['kind'])} would not select its own pods`,
        );
      }
    }
    for (const expr of selector.matchExpressions ?? []) {
      const key = String(expr.key);
      const values = ((expr.values as unknown[] | undefined) ?? []).map(String);
      const has = Object.hasOwn(labels, key);
      const ok =
        expr.operator === 'In'
          ? has && values.includes(labels[key]!)
          : expr.operator === 'NotIn'
            ? !has || !values.includes(labels[key]!)
            : expr.operator === 'Exists'
              ? has
              : !has;
      if (!ok)
        this.fail(
          ['spec', 'template', 'metadata', 'labels'],
          `do not satisfy the selector's matchExpressions on ${key}, so the ${this.at(['kind'])} would not select its own pods`,
        );
    }
    this.podSpec(['spec', 'template', 'spec']);
  }

  service(): void {
    this.map(['spec'], true);
    const type = this.oneOf(['spec', 'type'], ['ClusterIP', 'NodePort', 'LoadBalancer', 'ExternalName'], false);
    this.string(['spec', 'clusterIP'], false);
    const selector = this.at(['spec', 'selector']);
    if (selector !== undefined && selector !== null && !isPlainObject(selector)) {
      this.fail(['spec', 'selector'], `must be a map of labels (app: api), not ${describeValue(selector)}; Services do not take matchLabels`);
    }
    if (isPlainObject(selector) && ('matchLabels' in selector || 'matchExpressions' in selector)) {
      this.fail(['spec', 'selector'], 'must be a plain map of labels (app: api); Services do not take matchLabels or matchExpressions');
    }
    this.labels(['spec', 'selector']);
    const headless = this.at(['spec', 'clusterIP']) === 'None' || type === 'ExternalName';
    const ports = this.list(['spec', 'ports'], !headless) ?? [];
    if (ports.length === 0 && !headless) this.fail(['spec', 'ports'], 'must list at least one port');
    ports.forEach((_, i) => {
      const p = ['spec', 'ports', i];
      this.map(p, true);
      this.port([...p, 'port'], true, false);
      this.port([...p, 'targetPort'], false, true);
      this.port([...p, 'nodePort'], false, false);
      this.protocol([...p, 'protocol']);
      const name = this.dnsLabel([...p, 'name'], false);
      if (ports.length > 1 && name === undefined) this.fail([...p, 'name'], 'required field is missing; a Service with several ports must name each one');
    });
  }

  endpointSlice(): void {
    this.oneOf(['addressType'], ['IPv4', 'IPv6', 'FQDN'], true);
    const endpoints = this.list(['endpoints'], true)!;
    endpoints.forEach((_, i) => {
      const e = ['endpoints', i];
      this.map(e, true);
      const addresses = this.list([...e, 'addresses'], true)!;
      if (addresses.length === 0) this.fail([...e, 'addresses'], 'must list at least one address');
      addresses.forEach((__, j) => this.string([...e, 'addresses', j], true));
      this.map([...e, 'conditions'], false);
      this.string([...e, 'nodeName'], false);
    });
    this.list(['ports'], false)?.forEach((_, i) => {
      const p = ['ports', i];
      this.map(p, true);
      this.port([...p, 'port'], false, false);
      this.protocol([...p, 'protocol']);
      this.string([...p, 'name'], false);
    });
  }

  networkPolicy(): void {
    this.map(['spec'], true);
    this.selector(['spec', 'podSelector'], true);
    this.list(['spec', 'policyTypes'], false)?.forEach((_, i) => this.oneOf(['spec', 'policyTypes', i], ['Ingress', 'Egress'], true));
    for (const [direction, peers] of [
      ['ingress', 'from'],
      ['egress', 'to'],
    ] as const) {
      this.list(['spec', direction], false)?.forEach((_, i) => {
        const rule = ['spec', direction, i];
        this.map(rule, true);
        this.list([...rule, peers], false)?.forEach((__, j) => {
          const peer = [...rule, peers, j];
          const m = this.map(peer, true)!;
          if (!('podSelector' in m) && !('namespaceSelector' in m) && !('ipBlock' in m)) {
            this.fail(peer, 'must have podSelector, namespaceSelector or ipBlock');
          }
          this.selector([...peer, 'podSelector'], false);
          this.selector([...peer, 'namespaceSelector'], false);
          if (this.map([...peer, 'ipBlock'], false)) {
            this.string([...peer, 'ipBlock', 'cidr'], true);
            this.list([...peer, 'ipBlock', 'except'], false)?.forEach((___, k) => this.string([...peer, 'ipBlock', 'except', k], true));
          }
        });
        this.list([...rule, 'ports'], false)?.forEach((__, j) => {
          const p = [...rule, 'ports', j];
          this.map(p, true);
          const port = this.port([...p, 'port'], false, true);
          this.protocol([...p, 'protocol']);
          const endPort = this.port([...p, 'endPort'], false, false);
          if (endPort !== undefined && typeof port !== 'number') this.fail([...p, 'endPort'], 'needs port to be a number (not a port name)');
          if (typeof endPort === 'number' && typeof port === 'number' && endPort < port) {
            this.fail([...p, 'endPort'], `must be at least port (${port}), not ${endPort}`);
          }
        });
      });
    }
  }
}

function checkObject(doc: ParsedYaml): KubeObject {
  const c = new Checker(doc);
  if (!isPlainObject(doc.data)) {
    c.fail([], `each document must be a Kubernetes object (a mapping with apiVersion, kind and metadata), not ${describeValue(doc.data)}`);
  }
  const kind = c.string(['kind'], true)!;
  const apiVersion = c.string(['apiVersion'], true)!;
  if (!Object.hasOwn(SUPPORTED_KINDS, kind)) {
    const supported = Object.keys(SUPPORTED_KINDS);
    const near = closeMatches(kind, supported, 1);
    c.fail(['kind'], `${quote(kind, 40)} is not supported${near.length > 0 ? ` (did you mean ${near[0]}?)` : ''}; netbreak supports ${andList(supported)}`);
  }
  const expectedApi = SUPPORTED_KINDS[kind as SupportedKind];
  if (apiVersion !== expectedApi) c.fail(['apiVersion'], `must be ${expectedApi} for a ${kind}, not ${quote(apiVersion, 40)}`);

  const metadata = c.map(['metadata'], true)!;
  if (kind === 'Namespace' || kind === 'Service') c.dnsLabel(['metadata', 'name'], true);
  else c.dnsSubdomain(['metadata', 'name'], true);
  if (isNamespaced(kind)) c.dnsLabel(['metadata', 'namespace'], false);
  else if (metadata.namespace !== undefined && metadata.namespace !== null)
    c.fail(['metadata', 'namespace'], `must not be set: a ${kind} does not live in a namespace`);
  c.labels(['metadata', 'labels']);
  c.stringMap(['metadata', 'annotations']);

  switch (kind as SupportedKind) {
    case 'Pod':
      c.podSpec(['spec']);
      break;
    case 'Deployment':
      c.workload();
      if (c.at(['spec', 'replicas']) !== undefined) {
        const r = c.at(['spec', 'replicas']);
        if (typeof r !== 'number' || !Number.isInteger(r) || r < 0)
          c.fail(['spec', 'replicas'], `must be a whole number of at least 0, not ${describeValue(r)}`);
      }
      break;
    case 'DaemonSet':
      c.workload();
      break;
    case 'Service':
      c.service();
      break;
    case 'EndpointSlice':
      c.endpointSlice();
      break;
    case 'NetworkPolicy':
      c.networkPolicy();
      break;
    case 'ConfigMap':
      c.stringMap(['data'], CONFIG_KEY);
      break;
    case 'Namespace':
      break;
  }

  const object = doc.data as KubeObject;
  if (isNamespaced(kind) && (object.metadata.namespace === undefined || object.metadata.namespace === null)) object.metadata.namespace = 'default';
  return object;
}
