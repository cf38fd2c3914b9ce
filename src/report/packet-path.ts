// The path the symptom's packets take, pod → cluster DNS → Service → endpoint
// pod, and where on it the scenario's fault stops them. Worked out from the
// symptom (its target and what the learner sees), the scenario's layers and the
// diagnosis key, so every scenario gets a diagram without drawing one.
import type { HistoryRecord } from '../history/record.js';

export type HopId = 'client' | 'dns' | 'service' | 'backend';

export interface Hop {
  id: HopId;
  title: string;
  detail: string;
  /** The layers that act at this hop (or on the way into it). */
  layers: string[];
  /** false: the symptom's traffic never needs this hop (an IP target skips DNS, a dns:// probe ends there). */
  used: boolean;
  /** false: the fault stops the packets before they get here. */
  reached: boolean;
}

export interface FaultMark {
  at: HopId;
  /** true: the packets die on the way into `at` (a drop); false: `at` itself answers wrongly or refuses. */
  onTheWay: boolean;
  layer: string;
  object: string;
  why: string;
}

export interface PacketPath {
  from: string;
  to: string;
  expect: string;
  hops: Hop[];
  fault: FaultMark | null;
}

const ORDER: HopId[] = ['client', 'dns', 'service', 'backend'];

interface Target {
  scheme: string;
  host: string;
  port: string;
}

function parseTarget(url: string): Target {
  const m = /^([a-z]+):\/\/([^/:]+)(?::(\d+))?/.exec(url);
  return m ? { scheme: m[1]!, host: m[2]!, port: m[3] ?? '' } : { scheme: '', host: url, port: '' };
}

const isIp = (host: string) => /^\d{1,3}(\.\d{1,3}){3}$/.test(host) || host.includes(':');

/** `api.shop.svc.cluster.local` → shop/api; `api` → <client ns>/api. */
function serviceName(host: string, clientNamespace: string): string | undefined {
  if (isIp(host)) return undefined;
  const labels = host.replace(/\.$/, '').split('.');
  if (labels.length === 1) return `${clientNamespace}/${labels[0]}`;
  if (labels.length === 2 || labels[2] === 'svc') return `${labels[1]}/${labels[0]}`;
  return undefined;
}

const DNS_SYMPTOMS = new Set(['nxdomain', 'dns-timeout', 'dns-error']);

/** Where the fault of a diagnosis layer shows on this path. */
function locateFault(layer: string | undefined, expect: string): Pick<FaultMark, 'at' | 'onTheWay'> | null {
  const dnsSymptom = DNS_SYMPTOMS.has(expect);
  switch (layer) {
    case 'dns':
      return { at: 'dns', onTheWay: false };
    case 'service':
    case 'kube-proxy':
    case 'conntrack':
      return { at: 'service', onTheWay: false };
    case 'endpoints':
      return { at: 'backend', onTheWay: true };
    case 'application':
      return { at: 'backend', onTheWay: false };
    case 'networkpolicy':
      // Policies are enforced after the Service's DNAT (in FORWARD), egress and
      // ingress alike: the Service counts the packet, the endpoint never sees it.
      return dnsSymptom ? { at: 'dns', onTheWay: true } : { at: 'backend', onTheWay: true };
    case 'cni':
    case 'node-firewall':
      return dnsSymptom ? { at: 'dns', onTheWay: true } : { at: 'backend', onTheWay: true };
  }
  // No known layer: judge by what the learner saw.
  if (dnsSymptom) return { at: 'dns', onTheWay: expect === 'dns-timeout' };
  if (expect === 'refused' || expect === 'wrong-backend') return { at: 'service', onTheWay: false };
  if (expect === 'timeout' || expect === 'unreachable' || expect === 'failure') return { at: 'backend', onTheWay: true };
  return null;
}

const HOP_LAYERS: Record<HopId, string[]> = {
  client: ['application', 'networkpolicy', 'cni'],
  dns: ['dns'],
  service: ['service', 'kube-proxy', 'conntrack'],
  backend: ['endpoints', 'networkpolicy', 'cni', 'node-firewall', 'application'],
};

export function packetPath(r: Pick<HistoryRecord, 'symptom' | 'key' | 'layers'>): PacketPath {
  const from = r.symptom?.from ?? '?';
  const to = r.symptom?.to ?? '?';
  const expect = r.symptom?.expect ?? 'failure';
  const clientNs = from.split('/')[0] ?? 'default';
  const target = parseTarget(to);
  const dnsOnly = target.scheme === 'dns';
  const usesDns = dnsOnly || !isIp(target.host);
  const svc = dnsOnly ? undefined : serviceName(target.host, clientNs);
  const port = target.port ? `:${target.port}` : '';

  const layer = r.key?.layer ?? r.layers[0];
  const where = r.symptom ? locateFault(layer, expect) : null;
  const fault: FaultMark | null =
    where && expect !== 'success'
      ? {
          ...where,
          layer: layer ?? 'unknown',
          object: r.key?.object ?? '',
          why: r.key?.causeText ?? '',
        }
      : null;

  const hops: Hop[] = [
    { id: 'client', title: `pod ${from}`, detail: 'sends the request', layers: HOP_LAYERS.client, used: true, reached: true },
    {
      id: 'dns',
      title: 'cluster DNS',
      detail: usesDns ? `resolves ${target.host}` : 'not needed: the target is an IP',
      layers: HOP_LAYERS.dns,
      used: usesDns,
      reached: true,
    },
    {
      id: 'service',
      title: svc ? `Service ${svc}` : dnsOnly ? 'Service' : `${target.host}${port}`,
      detail: dnsOnly ? 'not needed: a DNS lookup only' : `${port ? `port ${port.slice(1)}, ` : ''}kube-proxy DNAT`,
      layers: HOP_LAYERS.service,
      used: !dnsOnly,
      reached: true,
    },
    {
      id: 'backend',
      title: 'endpoint pod',
      detail: dnsOnly ? 'not needed: a DNS lookup only' : svc ? `a ready pod behind ${svc}` : 'the pod that answers',
      layers: HOP_LAYERS.backend,
      used: !dnsOnly,
      reached: true,
    },
  ];
  if (fault) {
    const stop = ORDER.indexOf(fault.at);
    for (const hop of hops) {
      const i = ORDER.indexOf(hop.id);
      hop.reached = i < stop || (i === stop && !fault.onTheWay);
    }
  }
  return { from, to, expect, hops, fault };
}
