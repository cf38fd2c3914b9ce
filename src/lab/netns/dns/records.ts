// The answers CoreDNS's kubernetes plugin gives, computed from the lab's object
// store. Pure: a snapshot, the plugin's config and a question in; records and an
// rcode out. The rules follow the Kubernetes DNS specification as CoreDNS
// implements it (plugin/kubernetes: parse.go, kubernetes.go, reverse.go,
// handler.go), including its NXDOMAIN-versus-NODATA choices, because learners
// compare what they see here with what they read about real clusters.
import net from 'node:net';
import type { KubeObject } from '../../../k8s/objects.js';
import type { StoreSnapshot } from '../store-snapshot.js';
import type { Fallthrough, KubernetesConfig } from '../../../k8s/dns/corefile.js';
import { fq, isSubdomain, lowerFq, matchZone, type Answer } from './wire.js';

/** The version of the Kubernetes DNS schema CoreDNS reports at `dns-version.<zone>`. */
export const DNS_SCHEMA_VERSION = '1.1.0';

export interface RecordQuestion {
  name: string;
  /** `A`, `AAAA`, `SRV`, `PTR`, `TXT`, `CNAME`, `SOA`, `NS`, or any other type name. */
  type: string;
}

export type KubernetesAnswer =
  /** Not this plugin's zone, or a name error the Corefile says to fall through. */
  | { kind: 'next' }
  | {
      kind: 'answer';
      rcode: 'NOERROR' | 'NXDOMAIN' | 'SERVFAIL';
      /** The plugin zone that matched, fully qualified. */
      zone: string;
      answers: Answer[];
      additionals: Answer[];
      authorities: Answer[];
      /** The zone's SOA, which negative answers carry in their authority section. */
      soa: Answer;
      /**
       * An ExternalName CNAME whose target lies outside the cluster zones: the
       * server resolves `target` (as CoreDNS's upstream lookup does) and appends the
       * result; if that lookup fails, CoreDNS drops the CNAME too.
       */
      chase?: { target: string; type: string };
    };

// ---------------------------------------------------------------------------
// The cluster as the plugin indexes it

interface PortInfo {
  name: string;
  protocol: string;
  port: number;
}

interface ServiceInfo {
  namespace: string;
  name: string;
  clusterIPs: string[];
  headless: boolean;
  externalName?: string;
  ports: PortInfo[];
}

interface EndpointAddress {
  ip: string;
  hostname?: string;
  targetRefName?: string;
}

/** One EndpointSlice as CoreDNS converts it: ready addresses and the slice's ports. */
interface EndpointSubset {
  addresses: EndpointAddress[];
  ports: PortInfo[];
}

export interface ClusterIndex {
  resourceVersion: number;
  namespaces: Set<string>;
  services: Map<string, ServiceInfo>;
  endpoints: Map<string, EndpointSubset[]>;
  servicesByIP: Map<string, ServiceInfo[]>;
  endpointsByIP: Map<string, { service: string; namespace: string; address: EndpointAddress }[]>;
  podsByIP: Map<string, string[]>;
}

const key = (namespace: string, name: string): string => `${namespace}/${name}`;

function obj(v: unknown): Record<string, unknown> {
  return v && typeof v === 'object' ? (v as Record<string, unknown>) : {};
}
function arr(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}
function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

function servicePorts(list: unknown): PortInfo[] {
  return arr(list).map((p) => {
    const o = obj(p);
    return { name: str(o.name) ?? '', protocol: str(o.protocol) ?? 'TCP', port: typeof o.port === 'number' ? o.port : -1 };
  });
}

function toService(o: KubeObject): ServiceInfo {
  const spec = obj(o.spec);
  const ips = arr(spec.clusterIPs)
    .map(str)
    .filter((x): x is string => !!x);
  const single = str(spec.clusterIP);
  const clusterIPs = ips.length ? ips : single ? [single] : [];
  const info: ServiceInfo = {
    namespace: o.metadata.namespace ?? 'default',
    name: o.metadata.name,
    clusterIPs: clusterIPs.filter((ip) => ip !== 'None' && ip !== ''),
    headless: clusterIPs[0] === 'None',
    ports: servicePorts(spec.ports),
  };
  if (spec.type === 'ExternalName' && str(spec.externalName)) info.externalName = str(spec.externalName)!;
  return info;
}

const indexCache = new WeakMap<StoreSnapshot, ClusterIndex>();

/** Indexes a snapshot the way CoreDNS's informers do (memoized per snapshot object). */
export function indexSnapshot(snapshot: StoreSnapshot): ClusterIndex {
  const cached = indexCache.get(snapshot);
  if (cached) return cached;
  const index: ClusterIndex = {
    resourceVersion: snapshot.resourceVersion,
    namespaces: new Set(),
    services: new Map(),
    endpoints: new Map(),
    servicesByIP: new Map(),
    endpointsByIP: new Map(),
    podsByIP: new Map(),
  };
  const push = <K, V>(m: Map<K, V[]>, k: K, v: V) => {
    const list = m.get(k);
    if (list) list.push(v);
    else m.set(k, [v]);
  };
  for (const o of snapshot.objects) {
    if (o.kind === 'Namespace') index.namespaces.add(o.metadata.name);
    else if (o.kind === 'Service') {
      const s = toService(o);
      index.services.set(key(s.namespace, s.name), s);
      for (const ip of s.clusterIPs) push(index.servicesByIP, ip, s);
    } else if (o.kind === 'EndpointSlice') {
      const service = o.metadata.labels?.['kubernetes.io/service-name'];
      if (!service || o.addressType === 'FQDN') continue;
      const namespace = o.metadata.namespace ?? 'default';
      const subset: EndpointSubset = { addresses: [], ports: servicePorts(o.ports) };
      // CoreDNS adds a sentinel port to a slice without ports so its addresses still answer A queries.
      if (!subset.ports.length) subset.ports.push({ name: '', protocol: '', port: -1 });
      for (const e of arr(o.endpoints)) {
        const ep = obj(e);
        // A nil ready condition means "unknown", which consumers treat as ready.
        if (obj(ep.conditions).ready === false) continue;
        const targetRef = obj(ep.targetRef);
        for (const ip of arr(ep.addresses)) {
          if (typeof ip !== 'string') continue;
          const address: EndpointAddress = { ip };
          if (str(ep.hostname)) address.hostname = str(ep.hostname)!;
          const refName = str(targetRef.name);
          if (refName && refName.length < 64) address.targetRefName = refName;
          subset.addresses.push(address);
          push(index.endpointsByIP, ip, { service, namespace, address });
        }
      }
      push(index.endpoints, key(namespace, service), subset);
    } else if (o.kind === 'Pod') {
      if (o.metadata && (o.metadata as { deletionTimestamp?: string }).deletionTimestamp) continue;
      const status = obj(o.status);
      const ips = new Set<string>();
      if (str(status.podIP)) ips.add(str(status.podIP)!);
      for (const p of arr(status.podIPs)) if (str(obj(p).ip)) ips.add(str(obj(p).ip)!);
      for (const ip of ips) push(index.podsByIP, ip, o.metadata.namespace ?? 'default');
    }
  }
  indexCache.set(snapshot, index);
  return index;
}

// ---------------------------------------------------------------------------
// Request parsing (plugin/kubernetes/parse.go)

type NameError = 'noitems' | 'invalid' | 'ns-not-exposed';

interface RecordRequest {
  port: string;
  protocol: string;
  endpoint: string;
  service: string;
  namespace: string;
  podOrSvc: string;
}

function labelsOf(name: string, zone: string): string[] {
  const base = zone === '.' ? name : name.slice(0, name.length - zone.length);
  return base.split('.').filter((l) => l !== '');
}

const stripUnderscore = (s: string) => (s.startsWith('_') ? s.slice(1) : s);

/** `_port._proto.service.namespace.svc|pod.zone` or `endpoint.service.namespace.svc.zone`. */
function parseRequest(name: string, zone: string): RecordRequest | NameError {
  const r: RecordRequest = { port: '', protocol: '', endpoint: '', service: '', namespace: '', podOrSvc: '' };
  const segs = labelsOf(name, zone);
  if (segs.length === 0) return r;
  if (segs.length === 1 && (segs[0] === 'svc' || segs[0] === 'pod')) return r;
  let last = segs.length - 1;
  r.podOrSvc = segs[last]!;
  if (r.podOrSvc !== 'pod' && r.podOrSvc !== 'svc') return 'invalid';
  if (--last < 0) return r;
  r.namespace = segs[last]!;
  if (--last < 0) return r;
  r.service = segs[last]!;
  if (--last < 0) return r;
  if (last === 0) r.endpoint = segs[0]!;
  else if (last === 1) {
    r.protocol = stripUnderscore(segs[1]!);
    r.port = stripUnderscore(segs[0]!);
  } else return 'invalid';
  return r;
}

// ---------------------------------------------------------------------------
// Lookups (plugin/kubernetes/kubernetes.go)

/** What the plugin found for a name: where it points, and under which name (SRV targets, PTRs). */
interface Found {
  host: string;
  port: number;
  /** The domain name this record lives under (`svc.ns.svc.zone.` or `host.svc.ns.svc.zone.`). */
  domain: string;
}

function namespaceExposed(cfg: KubernetesConfig, index: ClusterIndex, namespace: string): boolean {
  const configured = cfg.namespaces.length === 0 || cfg.namespaces.includes(namespace);
  return configured && index.namespaces.has(namespace);
}

function endpointHostname(addr: EndpointAddress, endpointPodNames: boolean): string {
  if (addr.hostname) return addr.hostname;
  if (endpointPodNames && addr.targetRefName) return addr.targetRefName;
  if (addr.ip.includes('.')) return addr.ip.replaceAll('.', '-');
  if (addr.ip.includes(':')) return addr.ip.replaceAll(':', '-');
  return '';
}

const eq = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

function portMatches(r: RecordRequest, p: PortInfo): boolean {
  return (r.port === '' || eq(r.port, p.name)) && (r.protocol === '' || eq(r.protocol, p.protocol));
}

function findServices(cfg: KubernetesConfig, index: ClusterIndex, r: RecordRequest, zone: string): Found[] | NameError {
  if (!namespaceExposed(cfg, index, r.namespace)) return 'noitems';
  if (r.service === '') return [];
  const svc = index.services.get(key(r.namespace.toLowerCase(), r.service.toLowerCase()));
  if (!svc) return 'noitems';
  const out: Found[] = [];
  let found = false;
  const svcDomain = `${svc.name}.${svc.namespace}.svc.${zone === '.' ? '' : zone}`;
  const subsets = index.endpoints.get(key(svc.namespace, svc.name)) ?? [];
  if (cfg.ignoreEmptyService && !svc.externalName && !svc.headless) {
    if (!subsets.some((s) => s.addresses.length)) return 'noitems';
  }
  if (svc.externalName !== undefined) {
    // Only a name (not an IP) makes a CNAME; CoreDNS ignores an ExternalName that is an address.
    if (!net.isIP(svc.externalName)) return [{ host: fq(svc.externalName), port: 0, domain: svcDomain }];
    return 'noitems';
  }
  if (svc.headless || r.endpoint !== '') {
    for (const subset of subsets) {
      for (const addr of subset.addresses) {
        const host = endpointHostname(addr, cfg.endpointPodNames);
        if (r.endpoint !== '' && !eq(r.endpoint, host)) continue;
        for (const p of subset.ports) {
          if (!portMatches(r, p)) continue;
          found = true;
          out.push({ host: addr.ip, port: p.port, domain: `${host}.${svcDomain}` });
        }
      }
    }
    return found ? out : 'noitems';
  }
  for (const p of svc.ports) {
    if (!portMatches(r, p)) continue;
    found = true;
    for (const ip of svc.clusterIPs) out.push({ host: ip, port: p.port, domain: svcDomain });
  }
  return found ? out : 'noitems';
}

function findPods(cfg: KubernetesConfig, index: ClusterIndex, r: RecordRequest): Found[] | NameError {
  if (cfg.pods === 'disabled') return 'noitems';
  if (!namespaceExposed(cfg, index, r.namespace)) return 'noitems';
  const podname = r.service;
  if (podname === '') return [];
  const ip = podname.split('-').length - 1 === 3 && !podname.includes('--') ? podname.replaceAll('-', '.') : podname.replaceAll('-', ':');
  if (!net.isIP(ip)) return 'noitems';
  if (cfg.pods === 'insecure') return [{ host: ip, port: 0, domain: '' }];
  const namespaces = index.podsByIP.get(ip) ?? [];
  return namespaces.some((ns) => eq(ns, r.namespace)) ? [{ host: ip, port: 0, domain: '' }] : 'noitems';
}

function isReverse(name: string): boolean {
  return name.endsWith('.in-addr.arpa.') || name.endsWith('.ip6.arpa.');
}

/** `4.3.2.1.in-addr.arpa.` → `1.2.3.4`; undefined unless the name is a whole address. */
export function addressFromReverse(name: string): string | undefined {
  const lower = lowerFq(name);
  if (lower.endsWith('.in-addr.arpa.')) {
    const parts = lower.slice(0, -'.in-addr.arpa.'.length).split('.');
    if (parts.length !== 4 || parts.some((p) => !/^\d{1,3}$/.test(p) || Number(p) > 255)) return undefined;
    return parts.reverse().map(Number).join('.');
  }
  if (lower.endsWith('.ip6.arpa.')) {
    const nibbles = lower.slice(0, -'.ip6.arpa.'.length).split('.');
    if (nibbles.length !== 32 || nibbles.some((n) => !/^[0-9a-f]$/.test(n))) return undefined;
    const hex = nibbles.reverse().join('');
    const groups = hex.match(/.{4}/g)!;
    const addr = groups.join(':');
    return net.isIPv6(addr) ? canonicalIPv6(addr) : undefined;
  }
  return undefined;
}

function canonicalIPv6(addr: string): string {
  // Let the URL parser print the compressed form (`fd00::1`), as Go's net.IP.String does.
  return new URL(`http://[${addr}]/`).hostname.slice(1, -1);
}

/** Records(): the lookup every query type starts from. */
function records(cfg: KubernetesConfig, index: ClusterIndex, name: string, zone: string): Found[] | NameError {
  const r = parseRequest(name, zone);
  if (typeof r === 'string') return r;
  if (r.podOrSvc === '') return [];
  if (isReverse(name)) return 'noitems';
  if (!namespaceExposed(cfg, index, r.namespace)) return 'ns-not-exposed';
  return r.podOrSvc === 'pod' ? findPods(cfg, index, r) : findServices(cfg, index, r, zone);
}

function primaryZone(cfg: KubernetesConfig): string {
  return cfg.zones.find((z) => !z.endsWith('in-addr.arpa.') && !z.endsWith('ip6.arpa.')) ?? cfg.zones[0] ?? 'cluster.local.';
}

function reverse(cfg: KubernetesConfig, index: ClusterIndex, ip: string): string[] {
  const zone = primaryZone(cfg);
  const exposed = (ns: string) => cfg.namespaces.length === 0 || cfg.namespaces.includes(ns);
  for (const svc of index.servicesByIP.get(ip) ?? []) {
    if (!exposed(svc.namespace)) continue;
    return [`${svc.name}.${svc.namespace}.svc.${zone}`];
  }
  const out: string[] = [];
  for (const ep of index.endpointsByIP.get(ip) ?? []) {
    if (!exposed(ep.namespace)) continue;
    out.push(`${endpointHostname(ep.address, cfg.endpointPodNames)}.${ep.service}.${ep.namespace}.svc.${zone}`);
  }
  return out;
}

// ---------------------------------------------------------------------------
// Answers (plugin/backend_lookup.go as the kubernetes handler uses it)

/** Falls through for `name` per `fallthrough [ZONES…]`. */
export function fallsThrough(fall: Fallthrough | undefined, name: string): boolean {
  if (!fall) return false;
  if (!fall.zones.length) return true;
  return fall.zones.some((z) => isSubdomain(lowerFq(name), z));
}

function soaRecord(zone: string, ttl: number, serial: number): Answer {
  const apex = zone === '.' ? '' : zone;
  return {
    type: 'SOA',
    name: zone,
    ttl: Math.min(ttl, 300),
    class: 'IN',
    data: {
      mname: `ns.dns.${apex}`,
      rname: `hostmaster.${apex}`,
      serial: serial >>> 0,
      refresh: 7200,
      retry: 1800,
      expire: 86400,
      minimum: ttl,
    },
  };
}

interface Built {
  answers: Answer[];
  additionals: Answer[];
  chase?: { target: string; type: string };
}

/** A/AAAA records for what was found, following CNAMEs inside the zone (up to 8 deep). */
function addressRecords(cfg: KubernetesConfig, index: ClusterIndex, zone: string, qname: string, type: 'A' | 'AAAA', found: Found[], depth: number): Built {
  const out: Built = { answers: [], additionals: [] };
  const seen = new Set<string>();
  for (const f of found) {
    const family = net.isIP(f.host);
    if (family === 0) {
      // An ExternalName: a CNAME to the external name.
      const target = f.host;
      if (lowerFq(target) === lowerFq(qname) || depth >= 8) continue;
      const cname: Answer = { type: 'CNAME', name: qname, ttl: cfg.ttl, class: 'IN', data: target };
      if (isSubdomain(lowerFq(target), zone)) {
        const next = records(cfg, index, lowerFq(target), zone);
        if (typeof next === 'string') continue;
        const inner = addressRecords(cfg, index, zone, target, type, next, depth + 1);
        if (inner.answers.length) out.answers.push(cname, ...inner.answers);
        if (inner.chase) out.chase = inner.chase;
        continue;
      }
      out.answers.push(cname);
      out.chase = { target: lowerFq(target), type };
      continue;
    }
    if ((type === 'A' && family !== 4) || (type === 'AAAA' && family !== 6)) continue;
    if (seen.has(f.host)) continue;
    seen.add(f.host);
    out.answers.push({ type, name: qname, ttl: cfg.ttl, class: 'IN', data: f.host });
  }
  return out;
}

function srvRecords(cfg: KubernetesConfig, qname: string, found: Found[]): Built {
  const usable = found.filter((f) => net.isIP(f.host) && f.port >= 0);
  const out: Built = { answers: [], additionals: [] };
  // Every record has priority 0; CoreDNS spreads weight 100 over them (100 / n each).
  const weight = usable.length ? Math.floor(100 / usable.length) : 0;
  const seen = new Set<string>();
  const extra = new Set<string>();
  for (const f of usable) {
    const id = `${f.domain}|${f.port}|${f.host}`;
    if (seen.has(id)) continue;
    seen.add(id);
    out.answers.push({ type: 'SRV', name: qname, ttl: cfg.ttl, class: 'IN', data: { priority: 0, weight, port: f.port, target: f.domain } });
    const x = `${f.domain}|${f.host}`;
    if (extra.has(x)) continue;
    extra.add(x);
    out.additionals.push({ type: net.isIPv4(f.host) ? 'A' : 'AAAA', name: f.domain, ttl: cfg.ttl, class: 'IN', data: f.host });
  }
  return out;
}

/**
 * The kubernetes plugin's answer to one question. `snapshot` undefined means the
 * store has not been read yet (CoreDNS not synced with the API server): name
 * errors become SERVFAIL, as CoreDNS answers before its first sync.
 */
export function answerKubernetes(snapshot: StoreSnapshot | undefined, cfg: KubernetesConfig, q: RecordQuestion): KubernetesAnswer {
  const qname = fq(q.name);
  const name = qname.toLowerCase();
  const type = q.type.toUpperCase();
  const zone = matchZone(cfg.zones, name);
  if (!zone) return { kind: 'next' };
  const index = indexSnapshot(snapshot ?? { resourceVersion: 0, objects: [] });
  const soa = () => soaRecord(zone, cfg.ttl, index.resourceVersion);

  let result: Built | NameError;
  switch (type) {
    case 'A':
    case 'AAAA': {
      const found = dnsServiceAddress(index, name, zone, type) ?? records(cfg, index, name, zone);
      result = typeof found === 'string' ? found : addressRecords(cfg, index, zone, qname, type, found, 0);
      break;
    }
    case 'SRV': {
      const found = records(cfg, index, name, zone);
      result = typeof found === 'string' ? found : srvRecords(cfg, qname, found);
      break;
    }
    case 'PTR': {
      const ip = addressFromReverse(name);
      if (ip === undefined) {
        const found = records(cfg, index, name, zone);
        result = typeof found === 'string' ? found : { answers: [], additionals: [] };
        break;
      }
      const names = reverse(cfg, index, ip);
      result = names.length
        ? { answers: names.map((n) => ({ type: 'PTR', name: qname, ttl: cfg.ttl, class: 'IN', data: n }) as Answer), additionals: [] }
        : 'noitems';
      break;
    }
    case 'TXT': {
      const labels = labelsOf(name, zone);
      if (labels.length === 1 && labels[0] === 'dns-version') {
        result = { answers: [{ type: 'TXT', name: qname, ttl: 28800, class: 'IN', data: DNS_SCHEMA_VERSION }], additionals: [] };
        break;
      }
      result = existence(cfg, index, name, zone);
      break;
    }
    case 'CNAME': {
      const found = records(cfg, index, name, zone);
      if (typeof found === 'string') result = found;
      else {
        const ext = found.find((f) => net.isIP(f.host) === 0);
        result = { answers: ext ? [{ type: 'CNAME', name: qname, ttl: cfg.ttl, class: 'IN', data: ext.host }] : [], additionals: [] };
      }
      break;
    }
    case 'SOA':
      result = { answers: [soa()], additionals: [] };
      break;
    case 'NS':
      if (name === zone) {
        const dns = index.services.get(key('kube-system', 'kube-dns'));
        const ns = `ns.dns.${zone === '.' ? '' : zone}`;
        result = {
          answers: [{ type: 'NS', name: qname, ttl: cfg.ttl, class: 'IN', data: ns }],
          additionals: (dns?.clusterIPs ?? [])
            .filter((ip) => net.isIPv4(ip))
            .map((ip) => ({ type: 'A', name: ns, ttl: cfg.ttl, class: 'IN', data: ip }) as Answer),
        };
        break;
      }
      result = existence(cfg, index, name, zone);
      break;
    default:
      result = existence(cfg, index, name, zone);
  }

  if (typeof result === 'string') {
    if (fallsThrough(cfg.fallthrough, name)) return { kind: 'next' };
    return { kind: 'answer', rcode: snapshot ? 'NXDOMAIN' : 'SERVFAIL', zone, answers: [], additionals: [], authorities: snapshot ? [soa()] : [], soa: soa() };
  }
  if (!result.answers.length) {
    return { kind: 'answer', rcode: 'NOERROR', zone, answers: [], additionals: [], authorities: [soa()], soa: soa() };
  }
  const answer: KubernetesAnswer = {
    kind: 'answer',
    rcode: 'NOERROR',
    zone,
    answers: result.answers,
    additionals: result.additionals,
    authorities: [],
    soa: soa(),
  };
  if (result.chase) answer.chase = result.chase;
  return answer;
}

/** A type the plugin has no records of: the name exists (NODATA) or not (NXDOMAIN), judged by an A lookup. */
function existence(cfg: KubernetesConfig, index: ClusterIndex, name: string, zone: string): Built | NameError {
  const found = records(cfg, index, name, zone);
  return typeof found === 'string' ? found : { answers: [], additionals: [] };
}

/** `ns.dns.<zone>` A: the cluster DNS service's address (CoreDNS answers it for its own NS name). */
function dnsServiceAddress(index: ClusterIndex, name: string, zone: string, type: string): Found[] | undefined {
  if (name !== `ns.dns.${zone === '.' ? '' : zone}`) return undefined;
  const dns = index.services.get(key('kube-system', 'kube-dns'));
  if (!dns) return undefined;
  return dns.clusterIPs.filter((ip) => (type === 'A' ? net.isIPv4(ip) : net.isIPv6(ip))).map((ip) => ({ host: ip, port: 0, domain: name }));
}
