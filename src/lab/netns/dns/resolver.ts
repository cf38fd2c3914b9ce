// A stub resolver that behaves like glibc's with the pod's resolv.conf: the
// search list and ndots in glibc's order (res_nsearch), nameservers tried in
// turn for `attempts` rounds (res_send), and glibc's rules for what the whole
// lookup amounts to. Probe clients in lab pods use it, so "why did my pod ask
// for api.default.svc.cluster.local first?" has the same answer as in a cluster.
import { randomInt } from 'node:crypto';
import net from 'node:net';
import { type ExchangeError, exchangeTcp, UdpQuery } from './transport.js';
import { answerData, encode, FLAG, fq, hasFlag, lowerFq, rcodeOf, type DecodedPacket } from './wire.js';

export interface ResolvConf {
  /** At most three, as glibc reads (MAXNS). */
  nameservers: string[];
  search: string[];
  ndots: number;
  timeoutMs: number;
  attempts: number;
  rotate: boolean;
  /** `options use-vc`: TCP for every query. */
  useVc: boolean;
}

const MAXNS = 3;

/** Parses resolv.conf as glibc does; the last `search` or `domain` line wins. */
export function parseResolvConf(text: string): ResolvConf {
  const conf: ResolvConf = { nameservers: [], search: [], ndots: 1, timeoutMs: 5000, attempts: 2, rotate: false, useVc: false };
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#') || line.startsWith(';')) continue;
    const [keyword, ...rest] = line.split(/\s+/);
    const args = rest.filter((a) => a !== '');
    switch (keyword) {
      case 'nameserver': {
        const addr = args[0]?.split('%')[0];
        if (addr && net.isIP(addr) && conf.nameservers.length < MAXNS) conf.nameservers.push(addr);
        break;
      }
      case 'search':
        conf.search = args.map((d) => d.replace(/\.$/, '')).filter((d) => d !== '');
        break;
      case 'domain':
        conf.search = args[0] ? [args[0].replace(/\.$/, '')] : [];
        break;
      case 'options':
        for (const opt of args) {
          const [name, value] = opt.split(':');
          const n = Number(value);
          if (name === 'ndots' && Number.isInteger(n) && n >= 0) conf.ndots = Math.min(n, 15);
          else if (name === 'timeout' && Number.isInteger(n) && n >= 0) conf.timeoutMs = Math.min(Math.max(n, 1), 30) * 1000;
          else if (name === 'attempts' && Number.isInteger(n) && n >= 0) conf.attempts = Math.min(Math.max(n, 1), 5);
          else if (name === 'rotate') conf.rotate = true;
          else if (name === 'use-vc') conf.useVc = true;
        }
        break;
      default:
        break;
    }
  }
  // glibc's default when the file names no server.
  if (!conf.nameservers.length) conf.nameservers = ['127.0.0.1'];
  return conf;
}

/**
 * `nodata`: the name exists but has no address (glibc's NO_DATA, getaddrinfo's
 * "No address associated with hostname"), distinct from `nxdomain` ("Name or
 * service not known"). `refused`: a server answered REFUSED or its port was
 * closed (ICMP port unreachable, e.g. kube-proxy's REJECT for a DNS Service
 * without endpoints).
 */
export type ResolveOutcome = 'ok' | 'nxdomain' | 'nodata' | 'timeout' | 'servfail' | 'refused';

export interface ResolveQuery {
  /** The name asked, fully qualified (`api.default.svc.cluster.local.`). */
  name: string;
  /** `address:port` of the server asked. */
  server: string;
  rcode?: string;
  /** Answer records as `TYPE data` (`A 10.96.0.10`, `CNAME api.example.com.`). */
  answers: string[];
  ms: number;
  timedOut: boolean;
  /** Why no answer came, when one did not (`connection refused`). */
  error?: string;
}

export interface ResolveResult {
  outcome: ResolveOutcome;
  addresses: string[];
  queries: ResolveQuery[];
}

export interface ResolveOptions {
  resolvConf: ResolvConf;
  type?: 'A';
  /** Budget for the whole lookup. */
  deadlineMs?: number;
  /**
   * How long to wait for each server's reply. glibc waits `options timeout`
   * (5 s by default) and a pod's lookup of a dead DNS server then takes 5 s × 2
   * attempts × every search candidate. A probe only needs to tell "no answer"
   * from "an answer", so it waits 1 s by default (never longer than resolv.conf
   * says) and finishes while the learner is still looking.
   */
  perQueryTimeoutMs?: number;
  /** Sends to this port instead of 53 (tests run their server on 127.0.0.1:<random>). */
  port?: number;
}

type Kind = Exclude<ResolveOutcome, 'ok'> | 'answered';

interface DomainResult {
  kind: Kind;
  addresses: string[];
}

/** Addresses for `qname` from an answer section, following CNAMEs as glibc's getanswer does. */
function addressesFrom(res: DecodedPacket, qname: string, type: string): string[] {
  const names = new Set([lowerFq(qname)]);
  const out: string[] = [];
  for (const a of res.answers ?? []) {
    const owner = lowerFq(a.name);
    if (!names.has(owner)) continue;
    if (a.type === 'CNAME') names.add(lowerFq(a.data));
    else if (a.type === type && (a.type === 'A' || a.type === 'AAAA')) out.push(a.data);
  }
  return out;
}

export async function resolveName(name: string, opts: ResolveOptions): Promise<ResolveResult> {
  const literal = name.replace(/\.$/, '');
  if (net.isIP(literal)) return { outcome: 'ok', addresses: [literal], queries: [] };
  const conf = opts.resolvConf;
  const type = opts.type ?? 'A';
  const perQuery = opts.perQueryTimeoutMs ?? Math.min(conf.timeoutMs, 1000);
  const deadline = Date.now() + (opts.deadlineMs ?? perQuery * conf.attempts * conf.nameservers.length * (conf.search.length + 1));
  const queries: ResolveQuery[] = [];
  const port = opts.port ?? 53;

  // res_send: every server in turn, `attempts` rounds; SERVFAIL, NOTIMP and
  // REFUSED mean "ask the next server"; a truncated UDP reply is retried over TCP.
  const send = async (qname: string): Promise<DomainResult> => {
    const udp = new Map<string, UdpQuery>();
    try {
      return await sendTo(qname, udp);
    } finally {
      for (const q of udp.values()) q.close();
    }
  };
  // Every try of one query carries the same id over the same socket per server, as in glibc.
  const sendTo = async (qname: string, udp: Map<string, UdpQuery>): Promise<DomainResult> => {
    let sawServfail = false;
    let sawRefused = false;
    const servers = [...conf.nameservers];
    if (conf.rotate && servers.length > 1) servers.push(...servers.splice(0, randomInt(0, servers.length)));
    const id = randomInt(0, 65536);
    const wire = encode({ type: 'query', id, flags: FLAG.RD, questions: [{ name: qname, type, class: 'IN' }] });
    for (let attempt = 0; attempt < conf.attempts; attempt++) {
      for (const server of servers) {
        const left = deadline - Date.now();
        if (left <= 0) return { kind: sawServfail ? 'servfail' : sawRefused ? 'refused' : 'timeout', addresses: [] };
        const started = performance.now();
        const record: ResolveQuery = {
          name: fq(qname),
          server: net.isIPv6(server) ? `[${server}]:${port}` : `${server}:${port}`,
          answers: [],
          ms: 0,
          timedOut: false,
        };
        queries.push(record);
        const wait = Math.min(perQuery, left);
        try {
          if (!conf.useVc && !udp.has(server)) udp.set(server, new UdpQuery(server, port, wire, id));
          let res = conf.useVc ? await exchangeTcp(server, port, wire, id, wait) : await udp.get(server)!.try(wait);
          if (!conf.useVc && hasFlag(res, FLAG.TC)) res = await exchangeTcp(server, port, wire, id, Math.max(1, deadline - Date.now()));
          record.ms = Math.round(performance.now() - started);
          record.rcode = rcodeOf(res);
          record.answers = (res.answers ?? []).map((a) => `${a.type} ${answerData(a)}`);
          if (record.rcode === 'SERVFAIL' || record.rcode === 'NOTIMP') {
            sawServfail = true;
            continue;
          }
          if (record.rcode === 'REFUSED') {
            sawRefused = true;
            continue;
          }
          if (record.rcode === 'NXDOMAIN') return { kind: 'nxdomain', addresses: [] };
          if (record.rcode !== 'NOERROR') return { kind: 'servfail', addresses: [] };
          if (!(res.answers ?? []).length) return { kind: 'nodata', addresses: [] };
          return { kind: 'answered', addresses: addressesFrom(res, qname, type) };
        } catch (error) {
          record.ms = Math.round(performance.now() - started);
          const e = error as ExchangeError;
          if (e.kind === 'timeout') record.timedOut = true;
          else {
            record.error = e.kind === 'refused' ? 'connection refused' : e.message;
            if (e.kind === 'refused') sawRefused = true;
          }
        }
      }
    }
    return { kind: sawServfail ? 'servfail' : sawRefused ? 'refused' : 'timeout', addresses: [] };
  };

  const finish = (r: DomainResult): ResolveResult => ({
    outcome: r.kind === 'answered' ? (r.addresses.length ? 'ok' : 'nodata') : r.kind,
    addresses: r.addresses,
    queries,
  });

  // res_nsearch.
  const trailingDot = name.endsWith('.');
  const bare = name.replace(/\.$/, '');
  const dots = (bare.match(/\./g) ?? []).length;
  let saved: Kind | undefined;
  let triedAsIs = false;
  let gotNodata = false;
  let gotServfail = false;
  let last: DomainResult | undefined;

  if (dots >= conf.ndots || trailingDot) {
    const r = await send(fq(bare));
    if (r.kind === 'answered' || trailingDot) return finish(r);
    saved = r.kind;
    triedAsIs = true;
    last = r;
  }
  let rootOnList = false;
  for (const domain of conf.search) {
    if (domain === '' || domain === '.') {
      rootOnList = true;
      continue;
    }
    if (Date.now() >= deadline) break;
    const r = await send(fq(`${bare}.${domain}`));
    last = r;
    if (r.kind === 'answered') return finish(r);
    if (r.kind === 'nodata') gotNodata = true;
    else if (r.kind === 'servfail') gotServfail = true;
    else if (r.kind !== 'nxdomain') break; // a timeout or refusal ends the search (glibc's "done")
  }
  if (!triedAsIs && !rootOnList && Date.now() < deadline) {
    const r = await send(fq(bare));
    last = r;
    if (r.kind === 'answered') return finish(r);
  }
  const kind: Kind = saved ?? (gotNodata ? 'nodata' : gotServfail ? 'servfail' : (last?.kind ?? 'timeout'));
  return finish({ kind, addresses: [] });
}
