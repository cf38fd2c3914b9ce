// The side-effect edge of `netbreak trace`: read the cluster's objects and
// routes, snapshot counters, send one probe, snapshot again (optionally with
// tcpdump running along the path), and hand everything to buildTrace.
import path from 'node:path';
import { UserError } from '../errors.js';
import { MissingBinaryError } from '../exec.js';
import { findPod } from '../lab/find-pod.js';
import type { CounterSnapshot, CounterTarget, Lab, ProbeResult } from '../lab/lab.js';
import type { V1EndpointSlice, V1Namespace, V1NetworkPolicy, V1Service } from '../k8s/objects.js';
import { parseProbeUrl } from '../lab/probe-url.js';
import { CaptureSession, type CaptureSpec } from './capture.js';
import { buildTrace } from './build-trace.js';
import { whereKey, type NamespaceCounters, type NamespaceRef, type RouteEntry, type TracePod } from './hops.js';
import { candidateServices, endpointPods, kubeProxyNodes, nodePortServices, parseRoutes, podWhere, traceNodes, tracePods, uniquePods } from './inputs.js';
import type { TraceReport } from './render.js';

export interface TraceRequest {
  /** `namespace/pod` or `namespace/deployment`. */
  from: string;
  to: string;
  /** Write one pcap per interface along the path into this folder. */
  pcapDir?: string;
}

export async function collectTrace(lab: Lab, request: TraceRequest): Promise<TraceReport> {
  if (!lab.counters) throw new UserError(`the ${lab.backend} backend cannot read rule counters, so it cannot trace`, 3);
  const target = parseProbeUrl(request.to);
  const [namespace, podName] = request.from.split('/') as [string, string];
  const [podObjects, services, slices, policies, namespaces, nodeObjects, deployments, coredns] = await Promise.all([
    lab.list('Pod'),
    lab.list('Service') as unknown as Promise<V1Service[]>,
    lab.list('EndpointSlice') as unknown as Promise<V1EndpointSlice[]>,
    lab.list('NetworkPolicy') as unknown as Promise<V1NetworkPolicy[]>,
    lab.list('Namespace') as unknown as Promise<V1Namespace[]>,
    lab.list('Node'),
    lab.list('Deployment'),
    lab.get({ kind: 'ConfigMap', namespace: 'kube-system', name: 'coredns' }),
  ]);
  const corefile = (coredns?.data as Record<string, string> | undefined)?.Corefile;
  const sourceObject = findPod(
    podObjects.filter((p) => p.metadata.namespace === namespace),
    podName,
  );
  if (!sourceObject) throw new UserError(`no pod ${request.from} (and no Deployment ${request.from} with pods): see "netbreak get pods -n ${namespace}"`, 1);

  const nodes = traceNodes(nodeObjects);
  const [routeOutputs, forwardOutputs] = await Promise.all([
    Promise.all(nodes.map((n) => lab.nodeExec(n.name, ['ip', '-j', 'route', 'show']))),
    // /proc/sys/net is per network namespace: read in the node's, it is the node's own setting.
    Promise.all(nodes.map((n) => lab.nodeExec(n.name, ['cat', '/proc/sys/net/ipv4/ip_forward']).catch(() => undefined))),
  ]);
  const routes: Record<string, RouteEntry[]> = Object.fromEntries(nodes.map((n, i) => [n.name, parseRoutes(routeOutputs[i]!.stdout)]));
  const forwarding = readForwarding(nodes, forwardOutputs);
  const pods = tracePods(podObjects, routes);
  const source = pods.find((p) => p.namespace === sourceObject.metadata.namespace && p.name === sourceObject.metadata.name);
  if (!source) {
    const spec = sourceObject.spec as { hostNetwork?: boolean; nodeName?: string } | undefined;
    const pod = `${sourceObject.metadata.namespace}/${sourceObject.metadata.name}`;
    // trace follows a packet from a pod's own namespace through its veth; a hostNetwork pod's start on the node itself.
    if (spec?.hostNetwork)
      throw new UserError(
        `pod ${pod} runs on its node's network (hostNetwork), which trace cannot start from yet: look on the node itself (netbreak shell node/${spec.nodeName ?? '<node>'}; iptables-save -c, tcpdump -ni any), or trace from a pod with a network namespace of its own`,
        1,
      );
    throw new UserError(`pod ${pod} has no network namespace of its own yet (not running): trace from a running pod`, 1);
  }

  // Pods the flow may end at: the endpoints of the Service the host names, or the pod with that IP.
  const wanted = [...candidateServices(target.host, source.namespace, services), ...nodePortServices(target.host, target.port, nodes, services)];
  const destinations = [...endpointPods(wanted, slices, pods), ...pods.filter((p) => p.ip === target.host)];
  const dnsServer = services.filter((s) => s.metadata?.namespace === 'kube-system' && s.metadata?.name === 'kube-dns');
  const dnsPods = target.host.match(/^[\d.]+$/) ? [] : endpointPods(dnsServer, slices, pods);

  // Counters: every node (a few of them) and the pods at both ends; pod namespaces
  // only ever hold rules a learner typed.
  const targets: CounterTarget[] = [...nodes.map((n) => ({ node: n.name })), ...uniquePods([source, ...destinations]).map(podWhere)];

  let session: CaptureSession | undefined;
  /** Why pods' own interfaces are not captured, when the backend cannot reach them (kind). */
  let podsUnreachable: string | undefined;
  if (request.pcapDir) {
    if (!lab.capturer) {
      throw new UserError(
        `--pcap: the ${lab.backend} backend cannot capture along the path; trace without --pcap, and run tcpdump in a node yourself (netbreak shell node/${source.node}, then tcpdump -ni any host ${source.ip})`,
        2,
      );
    }
    const pcapDir = path.resolve(request.pcapDir);
    const capturer = await lab.capturer(pcapDir);
    podsUnreachable = capturer.podsUnreachable;
    const specs: CaptureSpec[] = [];
    const seen = new Set<string>();
    const addSpec = (where: NamespaceRef, iface: string) => {
      const key = `${whereKey(where)}\0${iface}`;
      // A pod the backend cannot enter is captured on its host-side veth, which every caller adds too.
      if (!iface || seen.has(key) || (!('node' in where) && podsUnreachable)) return;
      seen.add(key);
      const target = 'node' in where ? { node: where.node } : { namespace: where.namespace, pod: where.pod };
      specs.push({ where, interface: iface, command: (args) => capturer.process(target, args) });
    };
    // The endpoint is picked at random when the probe runs, so every interface it may
    // cross is captured; finish() keeps the ones on the path it took.
    addSpec(podWhere(source), 'eth0');
    addSpec({ node: source.node }, source.hostVeth);
    for (const n of nodes) addSpec({ node: n.name }, 'eth0');
    for (const p of uniquePods([...destinations, ...dnsPods])) {
      addSpec({ node: p.node }, p.hostVeth);
      addSpec(podWhere(p), 'eth0');
    }
    // A node named by the URL: its address is what the packets carry once a node on the way masquerades them.
    const targetIP = target.host.match(/^[\d.]+$/) ? target.host : nodes.find((n) => n.name === target.host.replace(/\.$/, ''))?.ip;
    const filter = ['host', source.ip, ...(targetIP ? ['or', 'host', targetIP] : [])];
    session = await CaptureSession.start(pcapDir, specs, filter);
    const failures = session.failures();
    if (capturer.tcpdumpOnThisMachine && failures.length === specs.length && failures.some((f) => /No such file|not found/i.test(f.error))) {
      await session.stop();
      session.finish([]);
      throw new MissingBinaryError('tcpdump');
    }
  }

  let before: CounterSnapshot[];
  let after: CounterSnapshot[];
  let probe: ProbeResult;
  let listeners: Record<string, string>;
  try {
    before = await lab.counters(targets);
    probe = await lab.probe({ from: `${source.namespace}/${source.name}`, to: request.to });
    [after, listeners] = await Promise.all([lab.counters(targets), probe.outcome === 'refused' ? readListeners(lab, destinations) : Promise.resolve({})]);
  } catch (error) {
    if (session) {
      await session.stop();
      session.finish([]);
    }
    throw error;
  }
  await session?.stop();

  const counters: NamespaceCounters[] = targets.map((t, i) => {
    const b = before[i]!;
    const a = after[i]!;
    return {
      where: 'node' in t ? { node: t.node } : { namespace: t.namespace, pod: t.pod },
      before: b.iptables,
      after: a.iptables,
      ...(b.conntrack !== undefined ? { conntrackBefore: b.conntrack } : {}),
      ...(a.conntrack !== undefined ? { conntrackAfter: a.conntrack } : {}),
      ...(b.nft !== undefined && a.nft !== undefined ? { nftBefore: b.nft, nftAfter: a.nft } : {}),
    };
  });
  const trace: TraceReport = buildTrace({
    from: request.from,
    to: request.to,
    probe,
    source,
    pods,
    nodes,
    services,
    endpointSlices: slices,
    policies,
    namespaces,
    counters,
    routes,
    kubeProxyNodes: kubeProxyNodes(podObjects),
    podObjects,
    deployments,
    ...(corefile !== undefined ? { corefile } : {}),
    listeners,
    forwarding,
  });
  const unread = [
    ...new Set(
      [...before, ...after]
        .filter((s) => s.error)
        .map((s) => `${'node' in s.target ? `node ${s.target.node}` : `pod ${s.target.namespace}/${s.target.pod}`}: ${s.error}`),
    ),
  ];
  trace.notes.push(...unread);
  if (session) {
    for (const f of session.failures()) trace.notes.push(`no capture on ${f.where} ${f.interface}: ${f.error}`);
    if (podsUnreachable) trace.notes.push(`no capture inside the pods: ${podsUnreachable}; the pod's host-side veth on its node carries the same packets`);
    trace.pcaps = session.finish(trace.path);
  }
  return trace;
}

/** Each node's net.ipv4.ip_forward, leaving out nodes where it could not be read. */
function readForwarding(nodes: { name: string }[], outputs: ({ exitCode: number; stdout: string } | undefined)[]): Record<string, boolean> {
  return Object.fromEntries(
    nodes.flatMap((n, i) => {
      const value = outputs[i]?.exitCode === 0 ? outputs[i]!.stdout.trim() : '';
      return value === '0' || value === '1' ? [[n.name, value === '1']] : [];
    }),
  );
}

/** What the pods a refused connection may have reached listen on (`ss`), by `namespace/pod`; a pod without ss is left out. */
async function readListeners(lab: Lab, pods: TracePod[]): Promise<Record<string, string>> {
  const unique = uniquePods(pods);
  const outputs = await Promise.all(unique.map((p) => lab.podExec(p.namespace, p.name, ['ss', '-Hltnu']).catch(() => undefined)));
  return Object.fromEntries(unique.flatMap((p, i) => (outputs[i]?.exitCode === 0 ? [[`${p.namespace}/${p.name}`, outputs[i]!.stdout]] : [])));
}
