// Probes on a real cluster, sent from the source pod's agnhost: resolve the name
// with the pod's own resolver (`dig +search`, honouring its resolv.conf search
// list and ndots), then ask agnhost's netexec `/dial` to connect to the address,
// and map what happened to the same outcomes the netns lab reports.
import net from 'node:net';
import type { DnsQueryLog, ProbeResult } from '../lab.js';
import type { KubeObject } from '../../k8s/objects.js';
import { parseProbeUrl } from '../probe-url.js';
import type { ProbeOutcome } from '../probe-outcome.js';

/** How a probe reaches the agnhost in the source pod: the API server's pod proxy, or exec. */
export interface AgnhostChannel {
  /** GET /dial?… on agnhost's netexec HTTP port; returns the status and body. */
  dial(params: Record<string, string>): Promise<{ status: number; body: string }>;
  /** Runs `sh -c command` in the pod; returns stdout and stderr together. */
  shell(command: string): Promise<string>;
}

export const AGNHOST_DEFAULT_HTTP_PORT = 8080;

interface ContainerSpec {
  name: string;
  image?: string;
  args?: string[];
  command?: string[];
}

/** The source pod's agnhost container and its netexec HTTP port (`--http-port`, default 8080). */
export function agnhostContainer(pod: KubeObject): { container: string; port: number } | undefined {
  const containers = ((pod.spec as { containers?: ContainerSpec[] } | undefined)?.containers ?? []) as ContainerSpec[];
  const agnhost = containers.find((c) => (c.image ?? '').includes('agnhost'));
  if (!agnhost) return undefined;
  const argv = [...(agnhost.command ?? []), ...(agnhost.args ?? [])];
  let port = AGNHOST_DEFAULT_HTTP_PORT;
  for (let i = 0; i < argv.length; i++) {
    const inline = /^--http-port=(\d+)$/.exec(argv[i]!);
    if (inline) port = Number(inline[1]);
    else if (argv[i] === '--http-port' && /^\d+$/.test(argv[i + 1] ?? '')) port = Number(argv[i + 1]);
  }
  return { container: agnhost.name, port };
}

/** One try, one-second timeout per server: a blocked resolver is reported in about two seconds, not glibc's forty. */
export function digCommand(name: string): string {
  return `dig +search +time=1 +tries=2 ${shellQuote(name)} A`;
}

export function shellQuote(text: string): string {
  return /^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}

export interface DigAnswer {
  /** dig is not in the image (not agnhost, or an old one). */
  missing?: boolean;
  rcode?: string;
  answers: string[];
  server: string;
  ms: number;
  timedOut: boolean;
  error?: string;
}

/** Reads dig's text output: the last status line (with +search, the final candidate), the A records, the server. */
export function parseDig(output: string): DigAnswer {
  if (/dig: (command )?not found|executable file not found/.test(output)) return { missing: true, answers: [], server: '', ms: 0, timedOut: false };
  const statuses = [...output.matchAll(/status: ([A-Z]+)/g)];
  const rcode = statuses.at(-1)?.[1];
  const answers = [...output.matchAll(/^\S+\s+\d+\s+IN\s+A\s+(\d+\.\d+\.\d+\.\d+)\s*$/gm)].map((m) => m[1]!);
  const server = /;; SERVER: ([^#\s]+)#/.exec(output)?.[1] ?? /(?:communications error to|connection to) ([^#\s]+)#/.exec(output)?.[1] ?? '';
  const ms = Number(/;; Query time: (\d+) msec/.exec(output)?.[1] ?? 0);
  const refused = /connection refused/i.test(output);
  const timedOut = !rcode && !refused && /timed out|no servers could be reached/i.test(output);
  return {
    ...(rcode ? { rcode } : {}),
    answers,
    server,
    ms,
    timedOut,
    ...(refused && !rcode ? { error: 'connection refused' } : {}),
    ...(!rcode && !refused && !timedOut ? { error: output.trim().split('\n').at(-1) ?? 'no output' } : {}),
  };
}

/** Maps a resolver failure to the probe outcome and the learner's sentence; undefined when the name resolved. */
export function dnsFailure(host: string, dig: DigAnswer): { outcome: ProbeOutcome; detail: string } | undefined {
  if (dig.timedOut) return { outcome: 'dns-timeout', detail: `no DNS server answered for ${host}` };
  if (dig.rcode === 'NXDOMAIN') return { outcome: 'nxdomain', detail: `${host} does not exist (NXDOMAIN for every search-list candidate)` };
  if (dig.rcode && dig.rcode !== 'NOERROR') return { outcome: 'dns-error', detail: `DNS lookup of ${host} failed (${dig.rcode})` };
  if (!dig.rcode) return { outcome: 'dns-error', detail: `DNS lookup of ${host} failed (${dig.error ?? 'no answer'})` };
  if (dig.answers.length === 0) return { outcome: 'dns-error', detail: `${host} exists but has no address record` };
  return undefined;
}

/** Go's resolver errors, as agnhost's /dial reports them when it had to resolve a name itself. */
export function lookupFailure(host: string, message: string): { outcome: ProbeOutcome; detail: string } {
  if (/no such host/.test(message)) return { outcome: 'nxdomain', detail: `${host} does not exist (NXDOMAIN for every search-list candidate)` };
  if (/i\/o timeout|timed out/.test(message)) return { outcome: 'dns-timeout', detail: `no DNS server answered for ${host}` };
  return { outcome: 'dns-error', detail: `DNS lookup of ${host} failed (${message.trim()})` };
}

/** Classifies one of /dial's `errors` (Go net errors) for the scheme probed. */
export function classifyDialError(message: string, scheme: 'http' | 'tcp' | 'udp'): ProbeOutcome {
  if (/connection refused|connection reset by peer/.test(message)) return 'refused';
  if (/no route to host|network is unreachable|host is unreachable/.test(message)) return 'unreachable';
  if (/timeout|deadline exceeded|Client\.Timeout/.test(message)) return 'timeout';
  // The TCP handshake worked and then the peer spoke something other than HTTP: for tcp:// that is a success.
  if (scheme === 'tcp' && /malformed HTTP|EOF|server gave HTTP response|unexpected/.test(message)) return 'success';
  return 'timeout';
}

/** Sends one probe from the pod reached through `channel`. Never throws for network outcomes. */
export async function agnhostProbe(channel: AgnhostChannel, to: string): Promise<ProbeResult> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  const target = parseProbeUrl(to);
  let address = target.host;
  let dns: DnsQueryLog[] | undefined;

  if (!net.isIP(target.host)) {
    const dig = parseDig(await channel.shell(digCommand(target.host)));
    if (!dig.missing) {
      dns = [
        {
          name: target.host,
          server: dig.server,
          ...(dig.rcode ? { rcode: dig.rcode } : {}),
          answers: dig.answers,
          ms: dig.ms,
          timedOut: dig.timedOut,
          ...(dig.error ? { error: dig.error } : {}),
        },
      ];
      const failed = dnsFailure(target.host, dig);
      if (failed) return { ...failed, ms: elapsed(), dns };
      address = dig.answers[0]!;
      if (target.scheme === 'dns') return { outcome: 'success', detail: `${target.host} → ${dig.answers.join(', ')}`, ms: elapsed(), address, dns };
    } else if (target.scheme === 'dns') {
      // No dig: ask /dial to resolve the name and judge only the lookup.
      const { status, body } = await channel.dial({ request: 'hostname', host: target.host, port: '53', protocol: 'udp', tries: '1' });
      if (status === 400 && /lookup/.test(body)) return { ...lookupFailure(target.host, body), ms: elapsed() };
      return { outcome: 'success', detail: `${target.host} resolves`, ms: elapsed() };
    }
  } else if (target.scheme === 'dns') {
    return { outcome: 'success', detail: `${target.host} is an address`, ms: elapsed(), address };
  }

  const request = target.path === '/' ? 'hostname' : target.path.replace(/^\//, '');
  const { status, body } = await channel.dial({
    request: target.scheme === 'udp' ? 'hostname' : request,
    host: address,
    port: String(target.port),
    protocol: target.scheme === 'udp' ? 'udp' : 'http',
    tries: '1',
  });
  const hostPort = `${address}:${target.port}`;
  const base = { ms: 0, address: hostPort, ...(dns ? { dns } : {}) };
  if (status === 400) {
    if (/lookup/.test(body)) return { ...lookupFailure(target.host, body), ms: elapsed(), ...(dns ? { dns } : {}) };
    return { ...base, outcome: 'unreachable', detail: `agnhost refused the probe: ${body.trim()}`, ms: elapsed() };
  }
  let parsed: { responses?: string[]; errors?: string[] };
  try {
    parsed = JSON.parse(body) as typeof parsed;
  } catch {
    throw new Error(`agnhost's /dial answered HTTP ${status} with "${body.trim().slice(0, 120)}", not JSON: is the source pod running agnhost netexec?`);
  }
  const response = parsed.responses?.[0];
  if (response !== undefined) {
    const answeredBy = target.path === '/' && target.scheme !== 'tcp' ? response.trim() : undefined;
    const what =
      target.scheme === 'udp' ? `UDP answer from ${hostPort}` : target.scheme === 'tcp' ? `connected to ${hostPort}` : `HTTP answer from ${hostPort}`;
    return {
      ...base,
      outcome: 'success',
      detail: answeredBy ? `${what}, answered by ${answeredBy}` : what,
      ms: elapsed(),
      ...(answeredBy ? { answeredBy } : {}),
    };
  }
  const error = parsed.errors?.[0] ?? 'no response and no error';
  const outcome = classifyDialError(error, target.scheme);
  const detail =
    outcome === 'success'
      ? `connected to ${hostPort}`
      : outcome === 'timeout'
        ? `no answer from ${hostPort} (${error})`
        : `${outcome === 'refused' ? 'connection refused' : 'unreachable'} from ${hostPort} (${error})`;
  return { ...base, outcome, detail, ms: elapsed() };
}
