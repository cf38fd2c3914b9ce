// From counter diffs, conntrack entries, routes and the cluster's objects to the
// hop list a person can read, and its verdict: the DNS flow and then the
// connection are walked (tracer.ts), and the probe's outcome decides between
// delivered, refused and lost. Pure: collect.ts reads the lab, this only reasons
// over what was read.
import type { ProbeResult } from '../lab/lab.js';
import { parseProbeUrl } from '../lab/probe-url.js';
import { parseIPv4Strict } from '../k8s/ipv4.js';
import type { FlowSpec } from './flow.js';
import { whereKey, type Hop, type HopObject, type PathPoint, type TraceInput, type TraceResult, type Verdict } from './hops.js';
import { ruleOf } from './owners.js';
import { longestPrefixMatch, podRef, splitHostPort } from './routes.js';
import { Tracer } from './tracer.js';
import { forwardingOff } from './forwarding.js';
import { hairpinMiss } from './hairpin.js';
import { unmasqueradedOnNode } from './masquerade.js';
import { unservedAddress } from './unserved-address.js';

export function describeQuery(q: NonNullable<ProbeResult['dns']>[number]): string {
  const answer = q.timedOut
    ? 'no answer (timed out)'
    : q.error
      ? q.error
      : q.answers.length
        ? `${q.rcode ?? 'NOERROR'} ${q.answers.join(', ')}`
        : (q.rcode ?? 'empty answer');
  return `query ${q.name} A @${q.server} → ${answer} (${q.ms} ms)`;
}

export const DNS_FAILURES = new Set(['nxdomain', 'dns-timeout', 'dns-error']);

/** Builds the readable trace of one probe from everything collect.ts read. */
export function buildTrace(input: TraceInput): TraceResult {
  const tracer = new Tracer(input);
  const { probe } = input;
  const target = parseProbeUrl(input.to);
  const hops: Hop[] = [];
  const path: PathPoint[] = [];
  const flows: { spec: FlowSpec; endpoint: { ip: string; port: number } }[] = [];
  let verdict: Verdict = 'lost';
  let blame: HopObject | undefined;
  const isName = parseIPv4Strict(target.host) === undefined;
  const queries = probe.dns ?? [];

  // DNS: each query as the pod's resolver sent it, then the result.
  if (isName) {
    for (const q of queries) hops.push({ status: 'info', step: 'query', flow: 'dns', text: describeQuery(q) });
    const server = splitHostPort(queries[0]?.server ?? '').ip;
    const dnsSvc = server ? tracer.input.services.find((s) => s.spec?.clusterIP === server) : undefined;
    const serverText = dnsSvc ? `${dnsSvc.metadata?.name} ${server}` : server || 'no server';
    const answered = queries.some((q) => !q.timedOut && !q.error && q.rcode !== undefined);
    // Some queries vanished (those kube-proxy sent to an unreachable CoreDNS pod) even if others came back.
    const lostSome = queries.some((q) => q.timedOut);
    const totalMs = queries.reduce((sum, q) => sum + q.ms, 0);
    const dnsFlow: FlowSpec = { kind: 'dns', src: input.source, dst: server, port: 53, protocol: 'udp', ok: answered && !lostSome };
    if (DNS_FAILURES.has(probe.outcome)) {
      if ((!answered || lostSome) && server) {
        // A nameserver that is no Service (another cluster's DNS, a typo in dnsConfig): whatever
        // happens to the packets next, the pod asks the wrong server.
        // Unless the pod's packets to it leave the cluster unmasqueraded: then the server is fine, the way back is not.
        const unmasqueraded = dnsSvc ? undefined : unmasqueradedOnNode(input, input.source.node, input.source.ip, server, 'udp');
        if (unmasqueraded) hops.push({ status: 'fail', step: 'dns', flow: 'dns', text: unmasqueraded.text, object: unmasqueraded.blame });
        const wrongServer: HopObject | undefined = dnsSvc || unmasqueraded ? undefined : tracer.workloadBlame(input.source, `dnsConfig nameserver ${server}`);
        if (wrongServer) {
          const clusterDns = tracer.input.services.find((s) => s.metadata?.namespace === 'kube-system' && s.metadata?.name === 'kube-dns')?.spec?.clusterIP;
          const template =
            wrongServer.kind === 'Pod' ? "the pod's" : `the pod template of ${wrongServer.kind} ${wrongServer.namespace}/${wrongServer.name}: its`;
          hops.push({
            status: 'fail',
            step: 'dns',
            flow: 'dns',
            text: `the pod's resolv.conf names nameserver ${server}, which is no Service of this cluster${clusterDns ? ` (the cluster DNS is kube-system/kube-dns ${clusterDns})` : ''}: look at ${template} dnsPolicy and dnsConfig`,
            object: wrongServer,
          });
        }
        const walk = tracer.walk(dnsFlow);
        flows.push({ spec: dnsFlow, endpoint: walk.endpoint ?? { ip: server, port: 53 } });
        hops.push(...walk.hops);
        path.push(...walk.path);
        blame = wrongServer ?? walk.blame ?? unmasqueraded?.blame;
        const denied = walk.blame || wrongServer || unmasqueraded ? undefined : tracer.uncountedPolicyDrop(dnsFlow, walk.endpoint ?? { ip: server, port: 53 });
        if (denied) {
          blame = denied.blame;
          hops.push({ status: 'fail', step: 'dropped', flow: 'dns', text: `the DNS queries got no answer: ${denied.text}`, object: blame });
        } else if (!walk.blame) {
          hops.push({
            status: 'fail',
            step: 'lost',
            flow: 'dns',
            text: `no rule on the way counted a drop of the DNS queries: ${walk.endpoint?.pod ? `is the DNS pod ${podRef(walk.endpoint.pod)} answering?` : 'check the routes and the DNS pods'}`,
          });
        }
      } else if (server) {
        flows.push({ spec: dnsFlow, endpoint: { ip: server, port: 53 } });
      }
      if (probe.outcome === 'nxdomain' && !blame) {
        // NXDOMAIN is an answer: the server is reachable and says the name does not exist. For a
        // cluster name that is only true when CoreDNS's kubernetes plugin does not serve the zone.
        const zone = tracer.corefileFault(target.host, queries);
        if (zone) {
          blame = zone.blame;
          hops.push({ status: 'fail', step: 'dns', flow: 'dns', text: zone.text, object: zone.blame });
        }
      }
      const why =
        probe.outcome === 'nxdomain'
          ? `${target.host} does not exist: NXDOMAIN for every name of the search list`
          : probe.outcome === 'dns-timeout'
            ? `no answer from ${serverText} after ${queries.length} quer${queries.length === 1 ? 'y' : 'ies'}: the name was never resolved`
            : probe.detail;
      hops.push({ status: 'fail', step: 'dns', flow: 'dns', text: `DNS ${target.host}: ${why}` });
      verdict = 'dns-failed';
    } else if (probe.address || target.scheme === 'dns') {
      flows.push({ spec: dnsFlow, endpoint: { ip: server, port: 53 } });
      const resolved = target.scheme === 'dns' ? (probe.detail.split(' → ')[1] ?? probe.address) : splitHostPort(probe.address ?? '').ip;
      hops.push({ status: 'ok', step: 'dns', flow: 'dns', text: `DNS ${target.host} → ${resolved} (${serverText}, ${totalMs} ms)` });
    }
  }

  if (target.scheme === 'dns') {
    if (probe.outcome === 'success') {
      verdict = 'delivered';
      hops.push({ status: 'ok', step: 'delivered', flow: 'dns', text: `resolved: ${probe.detail}` });
    }
  } else if (!DNS_FAILURES.has(probe.outcome) && probe.address) {
    const { ip, port } = splitHostPort(probe.address);
    const ok = probe.outcome === 'success' || probe.outcome === 'wrong-backend';
    const spec: FlowSpec = { kind: 'connection', src: input.source, dst: ip, port: port ?? target.port, protocol: target.scheme === 'udp' ? 'udp' : 'tcp', ok };
    const walk = tracer.walk(spec);
    flows.push({ spec, endpoint: walk.endpoint ?? { ip, port: spec.port } });
    hops.push(...walk.hops);
    path.push(...walk.path);
    verdict = walk.verdict;
    blame = walk.blame;
    if (!walk.blame) {
      const ep = walk.endpoint;
      const at = ep ? `${ep.ip}:${ep.port}${ep.pod ? ` (pod ${podRef(ep.pod)})` : ''}` : probe.address;
      if (ok) {
        verdict = 'delivered';
        hops.push({
          status: 'ok',
          step: 'delivered',
          flow: 'connection',
          text: `delivered to ${at}${probe.answeredBy ? `, answered by ${probe.answeredBy}` : ''}`,
          ...(ep?.pod ? { object: { kind: 'Pod' as const, namespace: ep.pod.namespace, name: ep.pod.name } } : {}),
        });
      } else if (probe.outcome === 'refused' && ep?.pod) {
        verdict = 'refused';
        const svc = tracer.flowService(spec);
        const declared = ep.pod.ports.filter((p) => p.protocol.toLowerCase() === spec.protocol);
        if (svc && declared.length > 0 && !declared.some((p) => p.containerPort === ep.port)) {
          // The Service sends to a port the pod does not declare: its targetPort is the fault, not the pod.
          blame = { kind: 'Service', namespace: svc.namespace, name: svc.name, detail: `targetPort ${ep.port}` };
          const ports = declared.map((p) => (p.name ? `${p.name} ${p.containerPort}` : String(p.containerPort))).join(', ');
          hops.push({
            status: 'fail',
            step: 'refused',
            flow: 'connection',
            text: `refused by ${at}: Service ${svc.namespace}/${svc.name} sends to port ${ep.port}, but the pod declares ${spec.protocol} ${ports} (check the Service's targetPort)`,
            object: blame,
          });
        } else {
          const loopback = tracer.loopbackListener(ep.pod, spec.protocol, ep.port);
          if (loopback) {
            blame = tracer.workloadBlame(ep.pod, `listens on ${loopback}:${ep.port} only`);
            const where = blame.kind === 'Pod' ? 'the pod' : `${blame.kind} ${blame.namespace}/${blame.name}`;
            hops.push({
              status: 'fail',
              step: 'refused',
              flow: 'connection',
              text: `refused by ${at}: the app listens on ${loopback}:${ep.port} only, so it answers inside the pod and the pod itself refuses connections from the network (not a network fault: change the app's listen address in ${where})`,
              object: blame,
            });
          } else {
            blame = tracer.workloadBlame(ep.pod, `nothing listens on ${spec.protocol}/${ep.port}`);
            hops.push({
              status: 'fail',
              step: 'refused',
              flow: 'connection',
              text: `refused by ${at}: nothing listens on ${spec.protocol}/${ep.port} there (the pod answered with a reset)`,
              object: blame,
            });
          }
        }
      } else if (probe.outcome === 'refused' && ep && tracer.nodeByIP(ep.ip)) {
        verdict = 'refused';
        const node = tracer.nodeByIP(ep.ip)!;
        blame = { kind: 'Node', name: node.name, detail: `nothing listens on ${spec.protocol}/${ep.port}` };
        hops.push({
          status: 'fail',
          step: 'refused',
          flow: 'connection',
          text: `refused by node ${node.name} (${at}): nothing listens on ${spec.protocol}/${ep.port} on the node itself (it answered with a reset)`,
          object: blame,
        });
      } else {
        verdict = probe.outcome === 'refused' ? 'refused' : 'lost';
        const t = walk.tracked;
        // Replies were seen: the connection was set up, then the answer vanished without a rule counting it.
        const replied = t !== undefined && !t.unreplied && spec.protocol === 'tcp';
        const icmp = tracer.icmpDrops(spec, walk.endpoint ?? { ip, port: spec.port })[0];
        // No counted drop, yet the policies deny it: enforced where counters do not show.
        const denied = icmp || replied ? undefined : tracer.uncountedPolicyDrop(spec, walk.endpoint ?? { ip, port: spec.port });
        const unserved = icmp || replied || denied ? undefined : unservedAddress(input, spec, walk);
        const hairpin = icmp || replied || denied || unserved ? undefined : hairpinMiss(input, spec, walk);
        const unforwarded = icmp || denied || unserved || hairpin ? undefined : forwardingOff(input, spec, walk);
        if (icmp) {
          verdict = 'dropped';
          const r = icmp.delta.rule;
          const who = icmp.owner.by === 'hand-written' ? 'a hand-written rule no Kubernetes object owns' : `${icmp.owner.describe}'s rule`;
          blame = {
            kind: 'Rule',
            name: `${r.table === 'filter' ? '' : `-t ${r.table} `}${r.text}`,
            detail: icmp.node,
            by: icmp.owner.by === 'hand-written' ? 'hand-written' : 'kube-proxy',
          };
          const frag = /fragmentation-needed|3\/4|frag/i.test(r.text);
          // The route the answers take back to the source, when it has its own (smaller) MTU.
          const back = longestPrefixMatch(input.routes[icmp.node] ?? [], spec.src.ip);
          const mtu = back?.metrics?.find((m) => m.mtu !== undefined)?.mtu;
          const smallerPath = mtu ? ` (${icmp.node}'s route ${back!.dst} back to the client has mtu ${mtu})` : '';
          hops.push({
            status: 'fail',
            step: 'dropped',
            flow: 'connection',
            text: `ICMP dropped on ${icmp.node} by ${who}: ${r.text}${frag ? ` — without "fragmentation needed" the sender never learns the path MTU${smallerPath}, so packets too big for it vanish (an MTU black hole)` : ''}`,
            where: icmp.node,
            object: blame,
            rule: ruleOf(icmp.delta),
          });
        } else if (denied) {
          verdict = 'dropped';
          blame = denied.blame;
          hops.push({ status: 'fail', step: 'dropped', flow: 'connection', text: `${probe.outcome} at ${at}: ${denied.text}`, object: blame });
        } else if (unforwarded) {
          verdict = 'lost';
          blame = unforwarded.blame;
          hops.push({ status: 'fail', step: 'dropped', flow: 'connection', text: unforwarded.text, where: unforwarded.node, object: blame });
        } else if (hairpin) {
          verdict = 'lost';
          blame = hairpin.blame;
          hops.push({ status: 'fail', step: 'lost', flow: 'connection', text: `${probe.outcome} at ${at}: ${hairpin.text}`, object: blame });
        } else if (unserved) {
          blame = unserved.blame;
          hops.push({
            status: 'fail',
            step: probe.outcome === 'refused' ? 'refused' : 'lost',
            flow: 'connection',
            text: `${probe.outcome}: ${unserved.text}`,
            ...(blame ? { object: blame } : {}),
          });
        } else {
          const text = replied
            ? `${probe.outcome} at ${at}: the connection was set up (conntrack saw replies) but the answer never arrived, and no rule counted a drop; small packets pass and large ones vanish in an MTU black hole (compare the MTUs on the path, look for ICMP "fragmentation needed"; --pcap shows where the packets stop)`
            : `${probe.outcome} at ${at}: no rule on the way counted a drop (look at routes, MTU and the pod itself; --pcap shows where the packets stop)`;
          hops.push({ status: 'fail', step: 'lost', flow: 'connection', text });
        }
      }
    }
  }

  const result: TraceResult = {
    from: input.from,
    to: input.to,
    outcome: probe.outcome,
    detail: probe.detail,
    ms: probe.ms,
    verdict,
    hops,
    rules: tracer.matchedRules(flows),
    path: dedupePath(path),
    notes: tracer.notes,
  };
  if (blame) result.blame = blame;
  if (probe.answeredBy) result.answeredBy = probe.answeredBy;
  return result;
}

export function dedupePath(path: PathPoint[]): PathPoint[] {
  const seen = new Set<string>();
  return path.filter((p) => {
    const key = `${whereKey(p.where)}\0${p.interface}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
