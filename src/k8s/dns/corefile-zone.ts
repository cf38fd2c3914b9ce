// Does CoreDNS answer for the cluster's own names? A name under the cluster
// domain (`…svc.cluster.local`) is answered by the kubernetes plugin only when
// the server block that receives it lists that zone; otherwise the query goes
// on to forward, and the upstream says NXDOMAIN. Read from the Corefile of the
// ConfigMap kube-system/coredns, so the trace can blame the Corefile itself.
import { parseCorefile, pluginOf, type Corefile } from './corefile.js';

export interface ZoneFault {
  /** Short, for the blamed object: `kubernetes zone cluster.lcoal, not cluster.local`. */
  detail: string;
  /** One sentence for the hop. */
  why: string;
}

const fq = (zone: string) => (zone.endsWith('.') ? zone : `${zone}.`).toLowerCase();
const bare = (zone: string) => zone.replace(/\.$/, '');

function inZone(name: string, zone: string): boolean {
  return zone === '.' || name === zone || name.endsWith(`.${zone}`);
}

/** The cluster domain a Service name or a search-list query names: `cluster.local` from `api.shop.svc.cluster.local.`. */
export function clusterZoneOf(names: string[]): string | undefined {
  for (const name of names) {
    const at = name.lastIndexOf('.svc.');
    if (at >= 0) return bare(name.slice(at + '.svc.'.length));
  }
  return undefined;
}

/** Why the Corefile does not serve `clusterZone` from its kubernetes plugin; undefined when it does or cannot be read. */
export function kubernetesZoneFault(corefileText: string, clusterZone: string): ZoneFault | undefined {
  let corefile: Corefile;
  try {
    corefile = parseCorefile(corefileText);
  } catch {
    // A Corefile CoreDNS would refuse: the pods crash, which the trace sees as no answer, not as NXDOMAIN.
    return undefined;
  }
  const zone = fq(clusterZone);
  const probe = `kubernetes.default.svc.${zone}`;
  // The block with the longest zone that contains the name gets the query (port 53, what pods use).
  const blocks = corefile.servers.flatMap((b) => b.keys.filter((k) => k.port === 53 && inZone(probe, k.zone)).map((k) => ({ block: b, zone: k.zone })));
  const chosen = blocks.sort((a, b) => b.zone.length - a.zone.length)[0];
  if (!chosen) {
    return {
      detail: `no server block for ${bare(zone)}`,
      why: `no server block of the Corefile serves ${bare(zone)} on port 53, so CoreDNS refuses or drops those names`,
    };
  }
  const kubernetes = pluginOf(chosen.block, 'kubernetes');
  if (kubernetes?.zones.some((z) => inZone(probe, z))) return undefined;
  if (!kubernetes) {
    return {
      detail: `no kubernetes plugin in the block for ${bare(chosen.zone) || '.'}`,
      why: `the Corefile's server block on line ${chosen.block.line} has no kubernetes plugin, so names under ${bare(zone)} are not answered from the cluster's Services`,
    };
  }
  const served = kubernetes.zones.map(bare);
  // The zone meant for the cluster's names: the first that is not a reverse zone.
  const meant = served.find((z) => !z.endsWith('arpa')) ?? served[0] ?? '';
  return {
    detail: `kubernetes zone ${meant}, not ${bare(zone)}`,
    why: `the Corefile's kubernetes plugin (line ${kubernetes.line}) serves ${served.join(' ')}, not ${bare(zone)}, so cluster names fall through to forward and the upstream answers NXDOMAIN`,
  };
}
