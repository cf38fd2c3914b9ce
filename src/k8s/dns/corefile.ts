// The Corefile: CoreDNS's configuration file (Caddyfile syntax), parsed into a
// typed config and validated the way CoreDNS validates it at start-up, so a
// learner's typo in the kube-system/coredns ConfigMap crashes the lab's DNS pod
// exactly where it would crash a real one, with the line number to look at.
import net from 'node:net';

/** A Corefile that CoreDNS would refuse to start with. `message` is `Corefile:<line>: <detail>`. */
export class CorefileError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly detail: string,
    /** The plugin whose setup rejected the line, when it got that far. */
    readonly plugin?: string,
  ) {
    super(`${file}:${line}: ${detail}`);
    this.name = 'CorefileError';
  }

  /** The line CoreDNS itself prints before exiting, e.g. `plugin/forward: Corefile:9 - Error during parsing: …`. */
  coreDnsLine(): string {
    const where = `${this.file}:${this.line} - Error during parsing: ${this.detail}`;
    return this.plugin ? `plugin/${this.plugin}: ${where}` : where;
  }
}

// ---------------------------------------------------------------------------
// Typed configuration

/** `fallthrough [ZONES…]`: an empty zone list means every name. */
export interface Fallthrough {
  zones: string[];
}

export type PodMode = 'disabled' | 'verified' | 'insecure';

export interface ErrorsConfig {
  name: 'errors';
  line: number;
  consolidate: { everyMs: number; pattern: string; level: string }[];
  stacktrace: boolean;
}
export interface HealthConfig {
  name: 'health';
  line: number;
  addr: string;
  lameduckMs: number;
}
export interface ReadyConfig {
  name: 'ready';
  line: number;
  addr: string;
}
export interface KubernetesConfig {
  name: 'kubernetes';
  line: number;
  /** Fully qualified, lower case, e.g. `cluster.local.`, `in-addr.arpa.`. */
  zones: string[];
  pods: PodMode;
  fallthrough?: Fallthrough;
  ttl: number;
  endpointPodNames: boolean;
  /** Only these namespaces are exposed; empty means all. */
  namespaces: string[];
  ignoreEmptyService: boolean;
  /** Options CoreDNS accepts that only matter against a real API server (endpoint, kubeconfig, tls, …). */
  accepted: string[];
}
export interface PrometheusConfig {
  name: 'prometheus';
  line: number;
  addr: string;
}
export type Upstream = { kind: 'address'; raw: string; host: string; port: number } | { kind: 'file'; raw: string; path: string };
export interface ForwardConfig {
  name: 'forward';
  line: number;
  from: string;
  to: Upstream[];
  except: string[];
  maxConcurrent?: number;
  policy: 'random' | 'round_robin' | 'sequential';
  forceTcp: boolean;
  preferUdp: boolean;
  expireMs: number;
  healthCheckMs: number;
  maxFails: number;
  /** Upstream rcodes that send the query on to the next plugin instead of back to the client. */
  next: string[];
  accepted: string[];
}
export interface CacheTier {
  capacity: number;
  maxTtl: number;
  minTtl: number;
}
export interface CacheConfig {
  name: 'cache';
  line: number;
  zones: string[];
  success: CacheTier;
  denial: CacheTier;
  servfailMs: number;
  disableSuccess: boolean;
  disableDenial: boolean;
  keepTtl: boolean;
  accepted: string[];
}
export interface LoopConfig {
  name: 'loop';
  line: number;
}
export interface ReloadConfig {
  name: 'reload';
  line: number;
  intervalMs: number;
  jitterMs: number;
}
export interface LoadbalanceConfig {
  name: 'loadbalance';
  line: number;
  policy: 'round_robin' | 'weighted';
}
export type LogClass = 'all' | 'success' | 'denial' | 'error';
export interface LogConfig {
  name: 'log';
  line: number;
  names: string[];
  format: string;
  classes: LogClass[];
}
export interface HostsConfig {
  name: 'hosts';
  line: number;
  file: string;
  zones: string[];
  inline: { ip: string; names: string[] }[];
  ttl: number;
  noReverse: boolean;
  reloadMs: number;
  fallthrough?: Fallthrough;
}
export type NameMatch = 'exact' | 'prefix' | 'suffix' | 'substring' | 'regex';
export type RewriteRule =
  | {
      field: 'name';
      mode: 'stop' | 'continue';
      match: NameMatch;
      from: string;
      to: string;
      /** How the answer section is mapped back to the name the client asked for. */
      answer: { kind: 'auto' } | { kind: 'name'; from: string; to: string } | { kind: 'none' };
    }
  | { field: 'type'; mode: 'stop' | 'continue'; from: string; to: string }
  | { field: 'class'; mode: 'stop' | 'continue'; from: string; to: string }
  | { field: 'ttl'; mode: 'stop' | 'continue'; match: NameMatch; from: string; minTtl: number; maxTtl: number }
  | { field: 'rcode'; mode: 'stop' | 'continue'; match: NameMatch; name: string; from: string; to: string }
  | { field: 'edns0' | 'cname'; mode: 'stop' | 'continue'; args: string[] };
export interface RewriteConfig {
  name: 'rewrite';
  line: number;
  rules: RewriteRule[];
}
export interface TemplateConfig {
  name: 'template';
  line: number;
  qclass: string;
  qtype: string;
  zones: string[];
  match: string[];
  answer: string[];
  additional: string[];
  authority: string[];
  rcode: string;
  fallthrough?: Fallthrough;
}

export type PluginConfig =
  | ErrorsConfig
  | HealthConfig
  | ReadyConfig
  | KubernetesConfig
  | PrometheusConfig
  | ForwardConfig
  | CacheConfig
  | LoopConfig
  | ReloadConfig
  | LoadbalanceConfig
  | LogConfig
  | HostsConfig
  | RewriteConfig
  | TemplateConfig;

export type PluginName = PluginConfig['name'];

export interface ServerKey {
  /** As written, e.g. `.:53`. */
  raw: string;
  /** Fully qualified, lower case; `.` is the root. */
  zone: string;
  port: number;
}

export interface ServerBlock {
  line: number;
  keys: ServerKey[];
  plugins: PluginConfig[];
}

export interface Corefile {
  servers: ServerBlock[];
}

/** The order CoreDNS runs plugins in (its plugin.cfg), whatever order the Corefile lists them in. */
export const PLUGIN_ORDER: readonly PluginName[] = [
  'reload',
  'ready',
  'health',
  'prometheus',
  'errors',
  'log',
  'loadbalance',
  'cache',
  'rewrite',
  'template',
  'hosts',
  'kubernetes',
  'loop',
  'forward',
];

// CoreDNS plugins that exist upstream but that this lab does not run. Naming them
// gets a clearer error than "Unknown directive" (they are not typos).
const UPSTREAM_ONLY = new Set([
  'metadata',
  'cancel',
  'tls',
  'nsid',
  'bufsize',
  'root',
  'bind',
  'debug',
  'trace',
  'pprof',
  'dnstap',
  'acl',
  'any',
  'chaos',
  'dnssec',
  'autopath',
  'transfer',
  'route53',
  'azure',
  'clouddns',
  'federation',
  'k8s_external',
  'file',
  'auto',
  'secondary',
  'etcd',
  'grpc',
  'erratic',
  'whoami',
  'on',
  'sign',
  'local',
  'minimal',
  'header',
  'geoip',
  'timeouts',
  'view',
  'multisocket',
  'nomad',
  'tsig',
  'dns64',
]);

// ---------------------------------------------------------------------------
// Lexing and the generic directive tree

interface Token {
  text: string;
  line: number;
  /** Line the token ends on (a quoted token may span lines). */
  endLine: number;
  quoted: boolean;
}

interface Directive {
  name: string;
  line: number;
  args: Token[];
  /** Sub-directives of a `{ … }` block, when the line ends with `{`. */
  block?: Directive[];
}

function tokenize(text: string, file: string): Token[] {
  const tokens: Token[] = [];
  let line = 1;
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    if (ch === '\n') {
      line++;
      i++;
      continue;
    }
    if (ch === ' ' || ch === '\t' || ch === '\r') {
      i++;
      continue;
    }
    if (ch === '#') {
      while (i < text.length && text[i] !== '\n') i++;
      continue;
    }
    if (ch === '"') {
      const start = line;
      let value = '';
      i++;
      let closed = false;
      while (i < text.length) {
        const c = text[i]!;
        if (c === '\\' && text[i + 1] === '"') {
          value += '"';
          i += 2;
          continue;
        }
        if (c === '"') {
          closed = true;
          i++;
          break;
        }
        if (c === '\n') line++;
        value += c;
        i++;
      }
      if (!closed) throw new CorefileError(file, start, 'unterminated quoted string');
      tokens.push({ text: value, line: start, endLine: line, quoted: true });
      continue;
    }
    let value = '';
    while (i < text.length && !/\s/.test(text[i]!)) {
      value += text[i];
      i++;
    }
    tokens.push({ text: value, line, endLine: line, quoted: false });
  }
  return tokens;
}

const isOpen = (t: Token | undefined): boolean => !!t && !t.quoted && t.text === '{';
const isClose = (t: Token | undefined): boolean => !!t && !t.quoted && t.text === '}';

class TokenStream {
  pos = 0;
  constructor(
    readonly tokens: Token[],
    readonly file: string,
  ) {}
  peek(): Token | undefined {
    return this.tokens[this.pos];
  }
  next(): Token | undefined {
    return this.tokens[this.pos++];
  }
  /** True when the next token is on the same line as the one just consumed. */
  sameLine(): boolean {
    const prev = this.tokens[this.pos - 1];
    const next = this.tokens[this.pos];
    return !!prev && !!next && next.line === prev.endLine;
  }
}

/** Reads directives until a `}` that starts a line (consumed) or the end of input. */
function parseDirectives(s: TokenStream, closing: boolean, openLine: number): Directive[] {
  const out: Directive[] = [];
  for (;;) {
    const t = s.next();
    if (!t) {
      if (closing) throw new CorefileError(s.file, openLine, 'unexpected end of file: the "{" on this line is never closed');
      return out;
    }
    if (isClose(t)) {
      if (!closing) throw new CorefileError(s.file, t.line, 'unexpected "}" because no matching opening brace');
      return out;
    }
    if (isOpen(t)) throw new CorefileError(s.file, t.line, 'unexpected "{": a block must follow a directive on the same line');
    const d: Directive = { name: t.text, line: t.line, args: [] };
    while (s.sameLine()) {
      const a = s.next()!;
      if (isOpen(a)) {
        if (s.sameLine()) {
          throw new CorefileError(s.file, a.line, `"{" must end its line; put each option of "${d.name}" on a line of its own`);
        }
        d.block = parseDirectives(s, true, a.line);
        break;
      }
      if (isClose(a)) {
        throw new CorefileError(s.file, a.line, `"}" must be on a line of its own (found after "${d.name}")`);
      }
      d.args.push(a);
    }
    out.push(d);
  }
}

// ---------------------------------------------------------------------------
// Values

const GO_DURATION_UNITS: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Parses a Go duration (`5s`, `1m30s`, `500ms`) into milliseconds; undefined when invalid. */
export function parseGoDuration(text: string): number | undefined {
  if (text === '0') return 0;
  const re = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/gy;
  let total = 0;
  let consumed = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text))) {
    total += Number(m[1]) * GO_DURATION_UNITS[m[2]!]!;
    consumed = re.lastIndex;
  }
  if (consumed !== text.length || consumed === 0) return undefined;
  return total;
}

/** Normalizes a zone: lower case, fully qualified. */
export function fqdn(name: string): string {
  const lower = name.toLowerCase();
  if (lower === '.' || lower === '') return '.';
  return lower.endsWith('.') ? lower : `${lower}.`;
}

/** A CIDR (`10.0.0.0/8`) becomes the reverse zones that cover it, as CoreDNS does for zone arguments. */
function reverseZonesForCidr(cidr: string): string[] | undefined {
  const [ip, bitsText] = cidr.split('/');
  const bits = Number(bitsText);
  if (!ip || net.isIPv4(ip) === false || !Number.isInteger(bits) || bits < 0 || bits > 32) return undefined;
  const octets = ip.split('.').map(Number);
  const whole = Math.ceil(bits / 8);
  if (whole === 0) return ['in-addr.arpa.'];
  const spare = whole * 8 - bits;
  const zones: string[] = [];
  const base = octets.slice(0, whole);
  const lastMask = (0xff << spare) & 0xff;
  base[whole - 1] = base[whole - 1]! & lastMask;
  for (let k = 0; k < 1 << spare; k++) {
    const parts = [...base];
    parts[whole - 1] = base[whole - 1]! + k;
    zones.push(`${parts.reverse().join('.')}.in-addr.arpa.`);
  }
  return zones;
}

function zonesFrom(texts: string[], file: string, line: number, plugin?: string): string[] {
  const out: string[] = [];
  for (const t of texts) {
    if (t.includes('/')) {
      const rev = reverseZonesForCidr(t);
      if (!rev) throw new CorefileError(file, line, `invalid zone or CIDR "${t}"`, plugin);
      out.push(...rev);
    } else {
      out.push(fqdn(t));
    }
  }
  return out;
}

/** `host:port` as health, ready and prometheus take it (`:8080`, `127.0.0.1:8181`). */
function checkListenAddr(addr: string, file: string, line: number, plugin: string): string {
  const idx = addr.lastIndexOf(':');
  const port = Number(addr.slice(idx + 1));
  if (idx < 0 || !Number.isInteger(port) || port < 0 || port > 65535 || addr.slice(idx + 1) === '') {
    throw new CorefileError(file, line, `invalid address "${addr}": want host:port, for example ":8080"`, plugin);
  }
  return addr;
}

// ---------------------------------------------------------------------------
// Plugin setup (one function per plugin, as CoreDNS has one setup.go each)

interface Ctx {
  file: string;
  /** The server block's zones, the default for plugins that take zones. */
  blockZones: string[];
}

class Setup {
  constructor(
    readonly ctx: Ctx,
    readonly d: Directive,
  ) {}
  get args(): string[] {
    return this.d.args.map((a) => a.text);
  }
  fail(detail: string, line = this.d.line): never {
    throw new CorefileError(this.ctx.file, line, detail, this.d.name);
  }
  argCount(sub: Directive | undefined, min: number, max = Infinity): string[] {
    const name = sub ? sub.name : this.d.name;
    const args = (sub ?? this.d).args.map((a) => a.text);
    if (args.length < min || args.length > max) {
      this.fail(`wrong argument count or unexpected line ending after "${name}"`, sub?.line ?? this.d.line);
    }
    return args;
  }
  noBlock(): void {
    if (this.d.block) this.fail(`"${this.d.name}" takes no block`);
  }
  options(): Directive[] {
    return this.d.block ?? [];
  }
  unknown(sub: Directive): never {
    this.fail(`unknown property "${sub.name}"`, sub.line);
  }
  duration(text: string, line: number): number {
    const ms = parseGoDuration(text);
    if (ms === undefined) this.fail(`invalid duration "${text}" (use Go syntax such as 5s, 500ms, 1m)`, line);
    return ms;
  }
  int(text: string, line: number, what: string, min = 0, max = Number.MAX_SAFE_INTEGER): number {
    const n = Number(text);
    if (!/^-?\d+$/.test(text) || n < min || n > max) this.fail(`${what} must be an integer in range [${min}, ${max}]: ${text}`, line);
    return n;
  }
  fallthrough(sub: Directive): Fallthrough {
    return {
      zones: zonesFrom(
        sub.args.map((a) => a.text),
        this.ctx.file,
        sub.line,
        this.d.name,
      ),
    };
  }
}

function setupErrors(s: Setup): ErrorsConfig {
  const args = s.argCount(undefined, 0, 1);
  if (args[0] !== undefined && args[0] !== 'stdout') s.fail(`unknown argument "${args[0]}"`);
  const cfg: ErrorsConfig = { name: 'errors', line: s.d.line, consolidate: [], stacktrace: false };
  for (const o of s.options()) {
    if (o.name === 'consolidate') {
      const a = s.argCount(o, 2, 3);
      const everyMs = s.duration(a[0]!, o.line);
      try {
        new RegExp(a[1]!);
      } catch {
        s.fail(`invalid regular expression "${a[1]}"`, o.line);
      }
      const level = a[2] ?? 'error';
      if (!['warning', 'error', 'info', 'debug'].includes(level)) s.fail(`unknown log level "${level}"`, o.line);
      cfg.consolidate.push({ everyMs, pattern: a[1]!, level });
    } else if (o.name === 'stacktrace') {
      s.argCount(o, 0, 0);
      cfg.stacktrace = true;
    } else s.unknown(o);
  }
  return cfg;
}

function setupHealth(s: Setup): HealthConfig {
  const args = s.argCount(undefined, 0, 1);
  const cfg: HealthConfig = { name: 'health', line: s.d.line, addr: ':8080', lameduckMs: 0 };
  if (args[0]) cfg.addr = checkListenAddr(args[0], s.ctx.file, s.d.line, 'health');
  for (const o of s.options()) {
    if (o.name === 'lameduck') {
      const a = s.argCount(o, 1, 1);
      cfg.lameduckMs = s.duration(a[0]!, o.line);
    } else s.unknown(o);
  }
  return cfg;
}

function setupReady(s: Setup): ReadyConfig {
  const args = s.argCount(undefined, 0, 1);
  s.noBlock();
  return { name: 'ready', line: s.d.line, addr: args[0] ? checkListenAddr(args[0], s.ctx.file, s.d.line, 'ready') : ':8181' };
}

function setupPrometheus(s: Setup): PrometheusConfig {
  const args = s.argCount(undefined, 0, 1);
  s.noBlock();
  return { name: 'prometheus', line: s.d.line, addr: args[0] ? checkListenAddr(args[0], s.ctx.file, s.d.line, 'prometheus') : 'localhost:9153' };
}

function setupKubernetes(s: Setup): KubernetesConfig {
  const zones = s.args.length ? zonesFrom(s.args, s.ctx.file, s.d.line, 'kubernetes') : s.ctx.blockZones;
  const cfg: KubernetesConfig = {
    name: 'kubernetes',
    line: s.d.line,
    zones,
    pods: 'disabled',
    ttl: 5,
    endpointPodNames: false,
    namespaces: [],
    ignoreEmptyService: false,
    accepted: [],
  };
  for (const o of s.options()) {
    switch (o.name) {
      case 'pods': {
        const [mode] = s.argCount(o, 1, 1);
        if (mode !== 'disabled' && mode !== 'verified' && mode !== 'insecure') {
          s.fail(`wrong value for pods: ${mode}, must be one of: disabled, verified, insecure`, o.line);
        }
        cfg.pods = mode;
        break;
      }
      case 'fallthrough':
        cfg.fallthrough = s.fallthrough(o);
        break;
      case 'ttl': {
        const [t] = s.argCount(o, 1, 1);
        cfg.ttl = s.int(t!, o.line, 'ttl', 0, 3600);
        break;
      }
      case 'endpoint_pod_names':
        s.argCount(o, 0, 0);
        cfg.endpointPodNames = true;
        break;
      case 'namespaces':
        cfg.namespaces = s.argCount(o, 1);
        break;
      case 'ignore': {
        const [what] = s.argCount(o, 1, 1);
        if (what !== 'empty_service') s.fail(`unable to parse ignore value: '${what}'`, o.line);
        cfg.ignoreEmptyService = true;
        break;
      }
      case 'noendpoints':
        s.argCount(o, 0, 0);
        cfg.accepted.push(o.name);
        break;
      case 'endpoint':
      case 'kubeconfig':
      case 'labels':
      case 'namespace_labels':
      case 'multicluster':
        s.argCount(o, 1);
        cfg.accepted.push(o.name);
        break;
      case 'tls':
        s.argCount(o, 3, 3);
        cfg.accepted.push(o.name);
        break;
      case 'startup_timeout':
        s.duration(s.argCount(o, 1, 1)[0]!, o.line);
        cfg.accepted.push(o.name);
        break;
      case 'apiserver_qps':
      case 'apiserver_burst':
      case 'apiserver_max_inflight':
        s.argCount(o, 1, 1);
        cfg.accepted.push(o.name);
        break;
      default:
        s.unknown(o);
    }
  }
  return cfg;
}

function parseUpstream(s: Setup, raw: string): Upstream {
  let text = raw;
  if (/^[a-z]+:\/\//.test(text)) {
    if (!text.startsWith('dns://')) s.fail(`only plain DNS upstreams (dns://) are supported in netbreak's lab, not "${raw}"`);
    text = text.slice('dns://'.length);
  }
  if (net.isIP(text)) return { kind: 'address', raw, host: text, port: 53 };
  const bracketed = /^\[([^\]]+)\]:(\d+)$/.exec(text);
  if (bracketed && net.isIPv6(bracketed[1]!)) {
    return { kind: 'address', raw, host: bracketed[1]!, port: s.int(bracketed[2]!, s.d.line, 'port', 1, 65535) };
  }
  const hostPort = /^([^:]+):(\d+)$/.exec(text);
  if (hostPort && net.isIPv4(hostPort[1]!)) {
    return { kind: 'address', raw, host: hostPort[1]!, port: s.int(hostPort[2]!, s.d.line, 'port', 1, 65535) };
  }
  if (text.startsWith('/') || text.startsWith('.')) return { kind: 'file', raw, path: text };
  s.fail(`not an IP address or file: "${raw}"`);
}

const RCODE_NAMES = ['NOERROR', 'FORMERR', 'SERVFAIL', 'NXDOMAIN', 'NOTIMP', 'REFUSED', 'YXDOMAIN', 'YXRRSET', 'NXRRSET', 'NOTAUTH', 'NOTZONE'];

function setupForward(s: Setup): ForwardConfig {
  const args = s.argCount(undefined, 2);
  if (args.length - 1 > 15) s.fail('more than 15 TOs configured');
  const cfg: ForwardConfig = {
    name: 'forward',
    line: s.d.line,
    from: zonesFrom([args[0]!], s.ctx.file, s.d.line, 'forward')[0]!,
    to: args.slice(1).map((t) => parseUpstream(s, t)),
    except: [],
    policy: 'random',
    forceTcp: false,
    preferUdp: false,
    expireMs: 10_000,
    healthCheckMs: 500,
    maxFails: 2,
    next: [],
    accepted: [],
  };
  for (const o of s.options()) {
    switch (o.name) {
      case 'except':
        cfg.except = zonesFrom(s.argCount(o, 1), s.ctx.file, o.line, 'forward');
        break;
      case 'max_concurrent':
        cfg.maxConcurrent = s.int(s.argCount(o, 1, 1)[0]!, o.line, 'max_concurrent', 0);
        break;
      case 'policy': {
        const [p] = s.argCount(o, 1, 1);
        if (p !== 'random' && p !== 'round_robin' && p !== 'sequential') s.fail(`unknown policy '${p}'`, o.line);
        cfg.policy = p;
        break;
      }
      case 'force_tcp':
        s.argCount(o, 0, 0);
        cfg.forceTcp = true;
        break;
      case 'prefer_udp':
        s.argCount(o, 0, 0);
        cfg.preferUdp = true;
        break;
      case 'expire':
        cfg.expireMs = s.duration(s.argCount(o, 1, 1)[0]!, o.line);
        break;
      case 'max_fails':
        cfg.maxFails = s.int(s.argCount(o, 1, 1)[0]!, o.line, 'max_fails', 0);
        break;
      case 'health_check': {
        const a = s.argCount(o, 1, 4);
        cfg.healthCheckMs = s.duration(a[0]!, o.line);
        break;
      }
      case 'next': {
        const codes = s.argCount(o, 1).map((c) => c.toUpperCase());
        for (const c of codes) if (!RCODE_NAMES.includes(c)) s.fail(`rcode '${c}' is not supported`, o.line);
        cfg.next = codes;
        break;
      }
      case 'tls':
      case 'tls_servername':
      case 'max_age':
        s.argCount(o, 1);
        cfg.accepted.push(o.name);
        break;
      case 'failfast_all_unhealthy_upstreams':
        s.argCount(o, 0, 0);
        cfg.accepted.push(o.name);
        break;
      default:
        s.unknown(o);
    }
  }
  if (cfg.forceTcp && cfg.preferUdp) s.fail('force_tcp and prefer_udp cannot both be set');
  return cfg;
}

function setupCache(s: Setup): CacheConfig {
  const args = s.args;
  const cfg: CacheConfig = {
    name: 'cache',
    line: s.d.line,
    zones: s.ctx.blockZones,
    success: { capacity: 9984, maxTtl: 3600, minTtl: 5 },
    denial: { capacity: 9984, maxTtl: 1800, minTtl: 5 },
    servfailMs: 5000,
    disableSuccess: false,
    disableDenial: false,
    keepTtl: false,
    accepted: [],
  };
  let rest = args;
  if (args[0] !== undefined && /^-?\d+$/.test(args[0])) {
    const ttl = Number(args[0]);
    if (ttl <= 0) s.fail(`cache TTL can not be zero or negative: ${ttl}`);
    cfg.success.maxTtl = ttl;
    cfg.denial.maxTtl = ttl;
    rest = args.slice(1);
  }
  if (rest.length) cfg.zones = zonesFrom(rest, s.ctx.file, s.d.line, 'cache');
  for (const o of s.options()) {
    switch (o.name) {
      case 'success':
      case 'denial': {
        const a = s.argCount(o, 1, 3);
        const tier = o.name === 'success' ? cfg.success : cfg.denial;
        tier.capacity = s.int(a[0]!, o.line, 'cache capacity', 0);
        if (a[1] !== undefined) tier.maxTtl = s.int(a[1], o.line, 'cache TTL', 1);
        if (a[2] !== undefined) tier.minTtl = s.int(a[2], o.line, 'cache minimum TTL', 0);
        break;
      }
      case 'servfail': {
        const ms = s.duration(s.argCount(o, 1, 1)[0]!, o.line);
        if (ms > 5 * 60_000) s.fail('caching SERVFAIL responses over 5 minutes is not permitted', o.line);
        cfg.servfailMs = ms;
        break;
      }
      case 'disable': {
        const a = s.argCount(o, 1);
        if (a[0] === 'success') cfg.disableSuccess = true;
        else if (a[0] === 'denial') cfg.disableDenial = true;
        else s.fail(`cache type for disable must be "success" or "denial", not "${a[0]}"`, o.line);
        break;
      }
      case 'keepttl':
        s.argCount(o, 0, 0);
        cfg.keepTtl = true;
        break;
      case 'prefetch':
        s.argCount(o, 1, 3);
        cfg.accepted.push(o.name);
        break;
      case 'serve_stale':
        s.argCount(o, 0, 2);
        cfg.accepted.push(o.name);
        break;
      default:
        s.unknown(o);
    }
  }
  return cfg;
}

function setupLoop(s: Setup): LoopConfig {
  s.argCount(undefined, 0, 0);
  s.noBlock();
  return { name: 'loop', line: s.d.line };
}

function setupReload(s: Setup): ReloadConfig {
  const a = s.argCount(undefined, 0, 2);
  s.noBlock();
  const intervalMs = a[0] !== undefined ? s.duration(a[0], s.d.line) : 30_000;
  const jitterMs = a[1] !== undefined ? s.duration(a[1], s.d.line) : Math.min(15_000, intervalMs / 2);
  if (intervalMs < 2000) s.fail(`interval value must be greater or equal to 2s: ${a[0]}`);
  if (a[1] !== undefined && jitterMs < 1000) s.fail(`jitter value must be greater or equal to 1s: ${a[1]}`);
  if (jitterMs > intervalMs / 2) s.fail(`jitter value must be less than half of the interval: ${a[1] ?? ''}`);
  return { name: 'reload', line: s.d.line, intervalMs, jitterMs };
}

function setupLoadbalance(s: Setup): LoadbalanceConfig {
  const a = s.args;
  const policy = a[0] ?? 'round_robin';
  if (policy === 'round_robin') {
    s.argCount(undefined, 0, 1);
    s.noBlock();
    return { name: 'loadbalance', line: s.d.line, policy };
  }
  if (policy === 'weighted') {
    s.argCount(undefined, 2, 2);
    for (const o of s.options()) {
      if (o.name === 'reload') s.duration(s.argCount(o, 1, 1)[0]!, o.line);
      else s.unknown(o);
    }
    return { name: 'loadbalance', line: s.d.line, policy };
  }
  s.fail(`unknown policy: ${policy}`);
}

export const COMMON_LOG_FORMAT = '{remote}:{port} - {>id} "{type} {class} {name} {proto} {size} {>do} {>bufsize}" {rcode} {>rflags} {rsize} {duration}';
const COMBINED_LOG_FORMAT = `${COMMON_LOG_FORMAT} "{>opcode}"`;

function setupLog(s: Setup): LogConfig {
  const a = s.args;
  let names = ['.'];
  let format = COMMON_LOG_FORMAT;
  if (a.length === 1) names = a;
  if (a.length > 1) {
    names = a.slice(0, -1);
    const f = a[a.length - 1]!;
    format = f === '{common}' ? COMMON_LOG_FORMAT : f === '{combined}' ? COMBINED_LOG_FORMAT : f;
  }
  const cfg: LogConfig = { name: 'log', line: s.d.line, names: zonesFrom(names, s.ctx.file, s.d.line, 'log'), format, classes: [] };
  for (const o of s.options()) {
    if (o.name !== 'class') s.unknown(o);
    for (const c of s.argCount(o, 1)) {
      const lc = c.toLowerCase();
      if (lc !== 'all' && lc !== 'success' && lc !== 'denial' && lc !== 'error') s.fail(`invalid class "${c}"`, o.line);
      cfg.classes.push(lc);
    }
  }
  if (!cfg.classes.length) cfg.classes = ['all'];
  return cfg;
}

function setupHosts(s: Setup): HostsConfig {
  const a = s.args;
  const cfg: HostsConfig = {
    name: 'hosts',
    line: s.d.line,
    file: a[0] ?? '/etc/hosts',
    zones: a.length > 1 ? zonesFrom(a.slice(1), s.ctx.file, s.d.line, 'hosts') : s.ctx.blockZones,
    inline: [],
    ttl: 3600,
    noReverse: false,
    reloadMs: 5000,
  };
  for (const o of s.options()) {
    switch (o.name) {
      case 'fallthrough':
        cfg.fallthrough = s.fallthrough(o);
        break;
      case 'ttl':
        cfg.ttl = s.int(s.argCount(o, 1, 1)[0]!, o.line, 'ttl', 1, 65535);
        break;
      case 'no_reverse':
        s.argCount(o, 0, 0);
        cfg.noReverse = true;
        break;
      case 'reload':
        cfg.reloadMs = s.duration(s.argCount(o, 1, 1)[0]!, o.line);
        break;
      default:
        if (net.isIP(o.name)) {
          if (!o.args.length) s.fail(`inline hosts entry "${o.name}" has no names`, o.line);
          cfg.inline.push({ ip: o.name, names: o.args.map((t) => fqdn(t.text)) });
        } else s.unknown(o);
    }
  }
  return cfg;
}

const NAME_MATCHES = ['exact', 'prefix', 'suffix', 'substring', 'regex'];

function checkRegex(s: Setup, pattern: string, line: number): void {
  try {
    new RegExp(goRegexToJs(pattern));
  } catch {
    s.fail(`invalid regex matching pattern: ${pattern}`, line);
  }
}

/** Go's RE2 names groups `(?P<name>…)`; JavaScript spells it `(?<name>…)`. */
export function goRegexToJs(pattern: string): string {
  return pattern.replace(/\(\?P</g, '(?<');
}

function parseRewriteRule(s: Setup, mode: 'stop' | 'continue', words: string[], line: number): RewriteRule {
  const field = words[0];
  const rest = words.slice(1);
  const argErr = (): never => s.fail(`wrong argument count or unexpected line ending after "${field ?? 'rewrite'}"`, line);
  switch (field) {
    case 'name': {
      let match: NameMatch = 'exact';
      let args = rest;
      if (rest.length >= 3 && NAME_MATCHES.includes(rest[0]!.toLowerCase())) {
        match = rest[0]!.toLowerCase() as NameMatch;
        args = rest.slice(1);
      }
      if (args.length < 2) argErr();
      const [from, to, ...tail] = args as [string, string, ...string[]];
      if (match === 'regex') checkRegex(s, from, line);
      let answer: Extract<RewriteRule, { field: 'name' }>['answer'] = match === 'regex' ? { kind: 'none' } : { kind: 'auto' };
      if (tail.length) {
        if (tail[0] !== 'answer') s.fail(`unexpected "${tail[0]}" after the name rule`, line);
        if (tail[1] === 'auto' && tail.length === 2) answer = { kind: 'auto' };
        else if ((tail[1] === 'name' || tail[1] === 'value') && tail.length === 4) {
          if (match !== 'regex') s.fail('the rewrite of response is supported only for name regex rule', line);
          checkRegex(s, tail[2]!, line);
          answer = { kind: 'name', from: tail[2]!, to: tail[3]! };
        } else s.fail('response rewrites must consist only of a name rule with 3 arguments and an answer rule with 3 arguments', line);
      }
      const norm = (n: string): string => (match === 'regex' ? n : match === 'exact' || match === 'suffix' ? fqdn(n) : n.toLowerCase());
      return { field: 'name', mode, match, from: norm(from), to: match === 'regex' ? to : norm(to), answer };
    }
    case 'type':
    case 'class': {
      if (rest.length !== 2) argErr();
      const [from, to] = rest.map((r) => r.toUpperCase()) as [string, string];
      const valid = field === 'class' ? ['IN', 'CH', 'HS', 'ANY'] : undefined;
      if (valid && (!valid.includes(from) || !valid.includes(to))) s.fail(`invalid class "${valid.includes(from) ? to : from}"`, line);
      if (!valid && (!/^[A-Z][A-Z0-9]*$/.test(from) || !/^[A-Z][A-Z0-9]*$/.test(to))) s.fail(`invalid type "${from}"`, line);
      return { field, mode, from, to };
    }
    case 'ttl': {
      let match: NameMatch = 'exact';
      let args = rest;
      if (rest.length === 3 && NAME_MATCHES.includes(rest[0]!.toLowerCase())) {
        match = rest[0]!.toLowerCase() as NameMatch;
        args = rest.slice(1);
      }
      if (args.length !== 2) argErr();
      if (match === 'regex') checkRegex(s, args[0]!, line);
      const range = /^(\d*)-?(\d*)$/.exec(args[1]!);
      if (!range || (!range[1] && !range[2])) s.fail(`invalid TTL "${args[1]}"`, line);
      const single = !args[1]!.includes('-');
      const min = range[1] ? Number(range[1]) : 0;
      const max = single ? min : range[2] ? Number(range[2]) : 0xffffffff;
      return { field: 'ttl', mode, match, from: match === 'regex' ? args[0]! : fqdn(args[0]!), minTtl: min, maxTtl: max };
    }
    case 'rcode': {
      let match: NameMatch = 'exact';
      let args = rest;
      if (rest.length === 4 && NAME_MATCHES.includes(rest[0]!.toLowerCase())) {
        match = rest[0]!.toLowerCase() as NameMatch;
        args = rest.slice(1);
      }
      if (args.length !== 3) argErr();
      const [name, from, to] = args as [string, string, string];
      for (const c of [from, to]) if (!RCODE_NAMES.includes(c.toUpperCase())) s.fail(`invalid rcode "${c}"`, line);
      return { field: 'rcode', mode, match, name: match === 'regex' ? name : fqdn(name), from: from.toUpperCase(), to: to.toUpperCase() };
    }
    case 'edns0':
    case 'cname':
      if (rest.length < 2) argErr();
      return { field, mode, args: rest };
    default:
      return s.fail(`invalid rule type "${field ?? ''}"`, line);
  }
}

function setupRewrite(s: Setup): RewriteRule[] {
  let words = s.args;
  let mode: 'stop' | 'continue' = 'stop';
  if (words[0] === 'stop' || words[0] === 'continue') {
    mode = words[0];
    words = words.slice(1);
  }
  if (s.d.block) {
    if (words.length) s.fail('a rewrite block takes only stop or continue before "{"');
    const lines = s.d.block;
    if (lines.length === 2 && lines[0]!.name === 'name' && lines[1]!.name === 'answer') {
      const nameWords = [lines[0]!.name, ...lines[0]!.args.map((t) => t.text)];
      const answerWords = [lines[1]!.name, ...lines[1]!.args.map((t) => t.text)];
      return [parseRewriteRule(s, mode, [...nameWords, ...answerWords], lines[0]!.line)];
    }
    return lines.map((l) => parseRewriteRule(s, mode, [l.name, ...l.args.map((t) => t.text)], l.line));
  }
  if (!words.length) s.fail('wrong argument count or unexpected line ending after "rewrite"');
  return [parseRewriteRule(s, mode, words, s.d.line)];
}

const TEMPLATE_CLASSES = ['IN', 'CH', 'HS', 'CS', 'ANY'];

function setupTemplate(s: Setup): TemplateConfig {
  const a = s.argCount(undefined, 2);
  const qclass = a[0]!.toUpperCase();
  const qtype = a[1]!.toUpperCase();
  if (!TEMPLATE_CLASSES.includes(qclass)) s.fail(`invalid query class ${a[0]}`);
  if (!/^[A-Z][A-Z0-9]*$/.test(qtype)) s.fail(`invalid RR type ${a[1]}`);
  const cfg: TemplateConfig = {
    name: 'template',
    line: s.d.line,
    qclass,
    qtype,
    zones: a.length > 2 ? zonesFrom(a.slice(2), s.ctx.file, s.d.line, 'template') : s.ctx.blockZones,
    match: [],
    answer: [],
    additional: [],
    authority: [],
    rcode: 'NOERROR',
  };
  for (const o of s.options()) {
    switch (o.name) {
      case 'match':
        for (const re of s.argCount(o, 1)) {
          checkRegex(s, re, o.line);
          cfg.match.push(re);
        }
        break;
      case 'answer':
      case 'additional':
      case 'authority':
        for (const t of s.argCount(o, 1)) {
          if ((t.match(/\{\{/g) ?? []).length !== (t.match(/\}\}/g) ?? []).length) s.fail(`unbalanced {{ }} in template "${t}"`, o.line);
          cfg[o.name].push(t);
        }
        break;
      case 'rcode': {
        const [code] = s.argCount(o, 1, 1);
        if (!RCODE_NAMES.includes(code!.toUpperCase())) s.fail(`unknown rcode ${code}`, o.line);
        cfg.rcode = code!.toUpperCase();
        break;
      }
      case 'fallthrough':
        cfg.fallthrough = s.fallthrough(o);
        break;
      case 'upstream':
        break;
      default:
        s.unknown(o);
    }
  }
  if (!cfg.match.length) cfg.match = ['.*'];
  return cfg;
}

// ---------------------------------------------------------------------------
// Server blocks

function parseServerKey(raw: string, file: string, line: number): ServerKey[] {
  let text = raw.replace(/,$/, '');
  const scheme = /^([a-z0-9]+):\/\//.exec(text);
  if (scheme) {
    if (scheme[1] !== 'dns') throw new CorefileError(file, line, `netbreak's lab serves only plain DNS (dns://); "${scheme[1]}://" is not supported`);
    text = text.slice(scheme[0].length);
  }
  let host = text;
  let port = 53;
  const idx = text.lastIndexOf(':');
  if (idx >= 0) {
    host = text.slice(0, idx);
    const p = text.slice(idx + 1);
    if (!/^\d+$/.test(p) || Number(p) > 65535) throw new CorefileError(file, line, `invalid port "${p}" in server block key "${raw}"`);
    port = Number(p);
  }
  if (host === '') host = '.';
  const zones = zonesFrom([host], file, line);
  return zones.map((zone) => ({ raw, zone, port }));
}

type SetupFn = (s: Setup) => PluginConfig | PluginConfig[];

// Explicit registration, one line per plugin (no discovery).
const SETUP: Record<PluginName, SetupFn> = {
  errors: setupErrors,
  health: setupHealth,
  ready: setupReady,
  kubernetes: setupKubernetes,
  prometheus: setupPrometheus,
  forward: setupForward,
  cache: setupCache,
  loop: setupLoop,
  reload: setupReload,
  loadbalance: setupLoadbalance,
  log: setupLog,
  hosts: setupHosts,
  rewrite: (s) => ({ name: 'rewrite', line: s.d.line, rules: setupRewrite(s) }),
  template: setupTemplate,
};

// CoreDNS refuses a second use of these in one server block (plugin.ErrOnce).
const ONCE: ReadonlySet<PluginName> = new Set(['errors', 'health', 'ready', 'kubernetes', 'cache', 'loop', 'reload', 'loadbalance', 'hosts', 'forward']);

function isPluginName(name: string): name is PluginName {
  return Object.hasOwn(SETUP, name);
}

export interface ParseOptions {
  /** The file name errors cite; default `Corefile`. */
  file?: string;
}

/** Parses and validates a Corefile; throws CorefileError on the first problem, as CoreDNS refuses to start. */
export function parseCorefile(text: string, options: ParseOptions = {}): Corefile {
  const file = options.file ?? 'Corefile';
  const s = new TokenStream(tokenize(text, file), file);
  const servers: ServerBlock[] = [];
  const seen = new Map<string, number>();
  while (s.peek()) {
    const first = s.next()!;
    if (isClose(first)) throw new CorefileError(file, first.line, 'unexpected "}" because no matching opening brace');
    if (isOpen(first)) throw new CorefileError(file, first.line, 'expected a server block key such as ".:53" before "{"');
    if (first.text === 'import' || /^\(.*\)$/.test(first.text)) {
      throw new CorefileError(file, first.line, "import and snippets are not supported in netbreak's lab Corefile");
    }
    const keyTokens = [first];
    while (s.peek() && !isOpen(s.peek()) && (s.sameLine() || keyTokens[keyTokens.length - 1]!.text.endsWith(','))) keyTokens.push(s.next()!);
    const keys = keyTokens.flatMap((t) => parseServerKey(t.text, file, t.line));
    let directives: Directive[];
    if (isOpen(s.peek())) {
      const open = s.next()!;
      if (s.sameLine()) throw new CorefileError(file, open.line, '"{" must end its line; put each plugin on a line of its own');
      directives = parseDirectives(s, true, open.line);
    } else if (servers.length === 0) {
      // A Corefile with a single server block may leave out the braces.
      directives = parseDirectives(s, false, first.line);
    } else {
      throw new CorefileError(file, first.line, `expected "{" after server block key "${first.text}"`);
    }
    for (const k of keys) {
      const id = `${k.zone}:${k.port}`;
      if (seen.has(id)) throw new CorefileError(file, first.line, `cannot serve dns://${k.zone}:${k.port} - it is already defined on line ${seen.get(id)}`);
      seen.set(id, first.line);
    }
    const ctx: Ctx = { file, blockZones: [...new Set(keys.map((k) => k.zone))] };
    const plugins: PluginConfig[] = [];
    const used = new Set<string>();
    for (const d of directives) {
      if (d.name === 'import') throw new CorefileError(file, d.line, "import is not supported in netbreak's lab Corefile");
      if (!isPluginName(d.name)) {
        if (UPSTREAM_ONLY.has(d.name)) {
          throw new CorefileError(file, d.line, `plugin "${d.name}" exists in CoreDNS but netbreak's lab does not run it; remove it`);
        }
        // Caddy's parser words it so; it is the line learners will search for.
        throw new CorefileError(file, d.line, `Unknown directive '${d.name}'`);
      }
      if (used.has(d.name) && ONCE.has(d.name)) {
        throw new CorefileError(file, d.line, 'this plugin can only be used once per Server Block', d.name);
      }
      used.add(d.name);
      const result = SETUP[d.name](new Setup(ctx, d));
      plugins.push(...(Array.isArray(result) ? result : [result]));
    }
    servers.push({ line: first.line, keys, plugins });
  }
  if (!servers.length) throw new CorefileError(file, 1, 'the Corefile defines no server block');
  return { servers };
}

/** The plugins of a block in the order CoreDNS runs them (plugin.cfg), stable for repeats. */
export function inExecutionOrder(plugins: PluginConfig[]): PluginConfig[] {
  return [...plugins].sort((a, b) => PLUGIN_ORDER.indexOf(a.name) - PLUGIN_ORDER.indexOf(b.name));
}

/** The first plugin of a kind in a block. */
export function pluginOf<N extends PluginName>(block: ServerBlock, name: N): Extract<PluginConfig, { name: N }> | undefined {
  return block.plugins.find((p) => p.name === name) as Extract<PluginConfig, { name: N }> | undefined;
}
