// The tracer: everything read from one lab, indexed (namespaces by node or pod,
// pods and nodes by address, Service ports, rule owners), and the walk of one
// flow through it: source pod, kube-proxy, node by node along the routes, the
// destination pod, with where (and by what) the packet died.
import type { ProbeResult } from '../lab/lab.js';
import { kubeProxyOwners } from '../k8s/kube-proxy/owner.js';
import { servicePorts, type ServicePortInfo } from '../k8s/kube-proxy/service-ports.js';
import { endpointsForPort } from '../k8s/kube-proxy/endpoints.js';
import { evaluateFlow, type FlowVerdict } from '../k8s/netpol/evaluate.js';
import { netpolOwners } from '../k8s/netpol/owners.js';
import type { ChainOwner, Direction, PolicyPod, Protocol } from '../k8s/netpol/types.js';
import { diffConntrack, diffCounters, parseConntrack, parseIptablesSave, type ChainPolicyDelta, type ConntrackEntry, type RuleDelta } from './counter-diff.js';
import { parseRuleMatch, ruleMayMatch, type PacketView } from './rule-match.js';
import { rankIsolatingPolicies, type IsolatingPolicy } from './policy-miss.js';
import { whyNoEndpoints, type NoEndpointsReason } from './why-no-endpoints.js';
import { workloadOf } from './workload.js';
import { clusterZoneOf, kubernetesZoneFault } from '../k8s/dns/corefile-zone.js';
import { loopbackOnly, parseListeners } from './listeners.js';
import { dnatEndpoint } from './dnat-endpoint.js';
import type { FlowSpec, NamespaceState, PacketContext, WalkResult } from './flow.js';
import { whereKey, type Hop, type HopObject, type MatchedRule, type NamespaceRef, type PathPoint, type TraceInput, type TraceNode, type TracePod, type Verdict } from './hops.js';
import { BLOCKING, describeService, ownerOf, ruleOf, type NodeOwners, type Owner, type ServiceRef } from './owners.js';
import { ipInCidr, longestPrefixMatch, podRef, splitHostPort } from './routes.js';

export class Tracer {
  private readonly byKey = new Map<string, NamespaceState>();
  private readonly podsByIP = new Map<string, TracePod>();
  private readonly nodesByIP = new Map<string, TraceNode>();
  private readonly ports: ServicePortInfo[];
  private readonly policyPods: PolicyPod[];
  readonly notes: string[] = [];

  constructor(readonly input: TraceInput) {
    for (const p of input.pods) this.podsByIP.set(p.ip, p);
    for (const n of input.nodes) this.nodesByIP.set(n.ip, n);
    this.ports = servicePorts(input.services);
    this.policyPods = input.pods.map((p) => ({ namespace: p.namespace, name: p.name, labels: p.labels, ip: p.ip, nodeName: p.node, hostVeth: p.hostVeth, ports: p.ports }));
    for (const c of input.counters) {
      const inPod = !('node' in c.where);
      const after = parseIptablesSave(c.after);
      const state: NamespaceState = {
        where: c.where,
        key: whereKey(c.where),
        diff: diffCounters(parseIptablesSave(c.before), after),
        rules: after.rules,
        conntrack: diffConntrack(parseConntrack(c.conntrackBefore ?? ''), parseConntrack(c.conntrackAfter ?? '')),
        inPod,
      };
      if ('node' in c.where) state.owners = this.ownersFor(c.where.node);
      this.byKey.set(state.key, state);
      const resets = state.diff.rules.filter((d) => d.reset || d.added).length;
      if (resets > 0) this.notes.push(`${resets} rule(s) on ${state.key} were rewritten while the probe ran; their counts start from zero.`);
    }
  }

  private ownersFor(node: string): NodeOwners {
    const kubeProxy = kubeProxyOwners({
      nodeName: node,
      nodeIP: '',
      clusterCIDR: '',
      services: this.input.services,
      endpointSlices: this.input.endpointSlices,
      existingChains: { nat: [], filter: [] },
    });
    const services = new Map<string, ServiceRef>();
    for (const info of this.ports) {
      const ref = { namespace: info.namespace, name: info.name, portName: info.portName };
      for (const chain of Object.values(info.chains)) services.set(chain, ref);
      for (const ep of endpointsForPort(info, this.input.endpointSlices, node)) services.set(ep.chain, ref);
    }
    let netpol = new Map<string, ChainOwner>();
    try {
      netpol = netpolOwners({ nodeName: node, pods: this.policyPods, namespaces: this.input.namespaces, policies: this.input.policies, existingChains: [] });
    } catch {
      // A policy the API server would reject: name chains from their comments only.
    }
    return { kubeProxy, services, netpol };
  }

  /** What to blame for a Service without endpoints: its selector, the workload scaled to zero, or pods that are never Ready. */
  private noEndpoints(ref: ServiceRef): NoEndpointsReason {
    const service = this.input.services.find((s) => s.metadata?.namespace === ref.namespace && s.metadata?.name === ref.name);
    if (!service) return { blame: { kind: 'Service', namespace: ref.namespace, name: ref.name, detail: 'no endpoints' }, why: 'the Service itself is gone' };
    return whyNoEndpoints(service, this.input.podObjects, this.input.deployments);
  }

  /** A fault of the pod itself is fixed in its template: blame the owning workload (the pod when it has none), naming the pod. */
  workloadBlame(pod: TracePod, detail: string): HopObject {
    const object = this.input.podObjects.find((p) => p.metadata.namespace === pod.namespace && p.metadata.name === pod.name);
    const workload = object ? workloadOf(object) : undefined;
    if (!workload) return { kind: 'Pod', namespace: pod.namespace, name: pod.name, detail };
    return { kind: workload.kind, namespace: workload.namespace, name: workload.name, detail: `pod ${pod.name}: ${detail}` };
  }

  /** The loopback address `pod` listens on when it listens on `port` nowhere else (from `ss`, when it was read). */
  loopbackListener(pod: TracePod, protocol: 'tcp' | 'udp', port: number): string | undefined {
    const ss = this.input.listeners?.[podRef(pod)];
    return ss === undefined ? undefined : loopbackOnly(parseListeners(ss), protocol, port);
  }

  /** A Corefile whose kubernetes plugin does not serve the cluster zone the name is in. */
  corefileFault(host: string, queries: NonNullable<ProbeResult['dns']>): { blame: HopObject; text: string } | undefined {
    const zone = clusterZoneOf([host, ...queries.map((q) => q.name)]);
    const fault = zone && this.input.corefile !== undefined ? kubernetesZoneFault(this.input.corefile, zone) : undefined;
    if (!zone || !fault) return undefined;
    return {
      blame: { kind: 'ConfigMap', namespace: 'kube-system', name: 'coredns', detail: `Corefile: ${fault.detail}` },
      text: `CoreDNS answered NXDOMAIN for names under ${zone}: ${fault.why} (ConfigMap kube-system/coredns)`,
    };
  }

  private state(where: NamespaceRef): NamespaceState | undefined {
    return this.byKey.get(whereKey(where));
  }

  podByIP(ip: string): TracePod | undefined {
    return this.podsByIP.get(ip);
  }

  nodeByIP(ip: string): TraceNode | undefined {
    return this.nodesByIP.get(ip);
  }

  servicePort(ip: string, port: number, protocol: string): ServicePortInfo | undefined {
    return this.ports.find((p) => p.clusterIP === ip && p.port === port && p.protocol === protocol);
  }

  /** The Service port a flow to a node's address is a NodePort of; kube-proxy opens it on every node. */
  nodePortService(flow: { dst: string; port: number; protocol: string }): ServicePortInfo | undefined {
    if (!this.nodesByIP.has(flow.dst)) return undefined;
    return this.ports.find((p) => p.nodePort === flow.port && p.protocol === flow.protocol);
  }

  /** The Service port a flow was sent to: by its ClusterIP, or by a node's address and NodePort. */
  flowService(flow: { dst: string; port: number; protocol: string }): ServicePortInfo | undefined {
    return this.servicePort(flow.dst, flow.port, flow.protocol) ?? this.nodePortService(flow);
  }

  private views(flow: FlowSpec, endpoint: { ip: string; port: number }, iface: PacketContext = {}): PacketView[] {
    const base = { protocol: flow.protocol, ...iface, src: iface.src ?? flow.src.ip };
    const views: PacketView[] = [{ ...base, dst: flow.dst, dport: flow.port }];
    if (endpoint.ip !== flow.dst || endpoint.port !== flow.port) views.push({ ...base, dst: endpoint.ip, dport: endpoint.port });
    return views;
  }

  /** The rule's owner allows it to have seen this flow (a pod chain of another pod, another Service's chain: no). */
  private ownerAllows(owner: Owner, flow: FlowSpec, svc: ServicePortInfo | undefined, endpoint: { ip: string; port: number }): boolean {
    if (owner.netpol?.pod) {
      const dstPod = this.podByIP(endpoint.ip);
      return owner.netpol.direction === 'egress' ? owner.netpol.pod === podRef(flow.src) : dstPod !== undefined && owner.netpol.pod === podRef(dstPod);
    }
    if (owner.service) {
      if (!svc || owner.service.namespace !== svc.namespace || owner.service.name !== svc.name || owner.service.portName !== svc.portName) return false;
      // Once the endpoint is known, another endpoint's chain is other traffic.
      const ep = owner.kubeProxy?.endpoint;
      return ep === undefined || endpoint.ip === flow.dst || ep === `${endpoint.ip}:${endpoint.port}`;
    }
    return true;
  }

  /** Counted rules in one namespace that this flow may have caused, with their owners. */
  private counted(state: NamespaceState | undefined, flow: FlowSpec, endpoint: { ip: string; port: number }, iface: PacketContext = {}) {
    if (!state) return [];
    const svc = this.flowService(flow);
    const views = this.views(flow, endpoint, iface);
    return state.diff.rules.flatMap((delta) => {
      const match = parseRuleMatch(delta.rule.args);
      if (!views.some((v) => ruleMayMatch(match, v))) return [];
      const owner = ownerOf(delta, state.owners, state.inPod);
      if (!this.ownerAllows(owner, flow, svc, endpoint)) return [];
      return [{ delta, owner, match, specific: Boolean(match.src || match.dst) }];
    });
  }

  // -------------------------------------------------------------------------

  /** One flow from its source pod to where it ended: each step adds its hops, and one that finds where the packet died ends the walk. */
  walk(flow: FlowSpec): WalkResult {
    const w = new Walk(flow);
    const S = flow.src;
    const srcPodWhere: NamespaceRef = { namespace: S.namespace, pod: S.name };
    w.path.push({ where: srcPodWhere, interface: 'eth0', label: `${S.short}-eth0` });
    const veth = this.leaveSourcePod(w, srcPodWhere);
    if (typeof veth !== 'string') return veth;
    const translated = this.throughService(w, veth);
    if ('verdict' in translated) return translated;
    const arrived = this.alongRoutes(w, translated, veth);
    if ('verdict' in arrived) return arrived;
    // The caller decides between delivered, refused and lost from the probe's outcome.
    return this.intoDestinationPod(w, arrived) ?? w.end('lost', undefined, { ...arrived.endpoint, ...(arrived.epPod ? { pod: arrived.epPod } : {}) });
  }

  /** 1. The source pod's own tables (only a learner writes there), then its veth to the node; the veth's name, or where the packet died. */
  private leaveSourcePod(w: Walk, srcPodWhere: NamespaceRef): string | WalkResult {
    const { flow, add } = w;
    const S = flow.src;
    if (!flow.ok) {
      const drop = this.findDrop(this.state(srcPodWhere), flow, { ip: flow.dst, port: flow.port }, { out: 'eth0' });
      if (drop) {
        add(drop.hop(`pod ${podRef(S)}`));
        return w.end(drop.verdict, drop.blame);
      }
    }
    const veth = S.hostVeth || longestPrefixMatch(this.input.routes[S.node] ?? [], S.ip)?.dev || '';
    add({ status: 'ok', step: 'link', text: `${podRef(S)} eth0 → node ${S.node}${veth ? ` (${veth})` : ''}`, where: S.node });
    if (veth) w.path.push({ where: { node: S.node }, interface: veth, label: `${S.node}-${veth}` });
    return veth;
  }

  /** 2. kube-proxy on the source node: Service → endpoint; the endpoint the packet goes on to, or where it died. */
  private throughService(w: Walk, veth: string): Endpoint | WalkResult {
    const { flow, add } = w;
    const S = flow.src;
    const end = w.end;
    let endpoint = { ip: flow.dst, port: flow.port };
    const svc = this.servicePort(flow.dst, flow.port, flow.protocol);
    const srcState = this.state({ node: S.node });
    if (svc) {
      const svcObject: HopObject = { kind: 'Service', namespace: svc.namespace, name: svc.name, ...(svc.portName ? { detail: `port ${svc.portName}` } : {}) };
      const serviceText = describeService(svc);
      const counted = this.counted(srcState, flow, endpoint, { in: veth });
      const jump = counted.find((c) => c.delta.rule.table === 'nat' && c.delta.rule.chain === 'KUBE-SERVICES' && Object.values(svc.chains).includes(c.delta.rule.target ?? ''));
      if (jump) add({ status: 'ok', step: 'service', text: `nat KUBE-SERVICES → ${jump.delta.rule.target} (${serviceText})`, where: S.node, object: svcObject, rule: ruleOf(jump.delta) });
      const dnat = dnatEndpoint(counted, srcState, S.ip, flow);
      const { dnats, chosen } = dnat;
      w.tracked = dnat.tracked;
      endpoint = dnat.endpoint ?? endpoint;
      if (chosen) {
        const epPod = this.podByIP(endpoint.ip);
        const others = [...new Set(dnats.filter((c) => c !== chosen).map((c) => c.match.toDestination))];
        const again = flow.kind === 'dns' ? 'other queries went to' : 'retransmissions went to';
        const current = endpointsForPort(svc, this.input.endpointSlices, S.node).map((ep) => ep.endpoint);
        if (current.includes(`${endpoint.ip}:${endpoint.port}`) || flow.ok) {
          add({
            status: 'ok',
            step: 'dnat',
            text: `${chosen.delta.rule.chain} DNAT → ${endpoint.ip}:${endpoint.port}${epPod ? ` (pod ${podRef(epPod)})` : ''}${others.length ? ` (${again} ${others.join(', ')})` : ''}`,
            where: S.node,
            ...(epPod ? { object: { kind: 'Pod' as const, namespace: epPod.namespace, name: epPod.name } } : {}),
            rule: ruleOf(chosen.delta),
          });
        } else {
          // The rule DNATs to an address that is no endpoint of the Service now: kube-proxy on
          // this node has not rewritten its rules since the endpoints changed.
          const running = this.input.kubeProxyNodes?.includes(S.node);
          w.rootCause =
            running === false
              ? { kind: 'DaemonSet', namespace: 'kube-system', name: 'kube-proxy', detail: `no kube-proxy pod on ${S.node}: its rules are stale` }
              : { kind: 'Rule', name: chosen.delta.rule.text, detail: S.node, by: 'kube-proxy' };
          const now = current.length ? `its endpoints now are ${current.join(', ')}` : 'it has no endpoints now';
          add({
            status: 'fail',
            step: 'dnat',
            text: `${chosen.delta.rule.chain} DNAT → ${endpoint.ip}:${endpoint.port}: a stale rule, ${epPod ? `pod ${podRef(epPod)} is no endpoint of ${serviceText}` : 'no pod has this address any more'} (${now}; ${running === false ? `kube-proxy is not running on ${S.node}` : `is kube-proxy on ${S.node} syncing?`})`,
            where: S.node,
            object: w.rootCause,
            rule: ruleOf(chosen.delta),
          });
        }
      }
      if (w.tracked && flow.kind === 'connection') add({ status: 'info', step: 'conntrack', text: `conntrack on ${S.node}: ${describeConntrack(w.tracked)}`, where: S.node });
      if (!flow.ok) {
        const drop = this.findDrop(srcState, flow, endpoint, { in: veth }, S.node);
        if (drop?.kubeProxy) {
          add(drop.hop(S.node));
          return end(drop.verdict, drop.blame, endpoint);
        }
      }
      if (!jump && !chosen) {
        const noEndpoints = srcState?.rules.find((r) => BLOCKING.has(r.target ?? '') && r.comment === `${svc.nameString} has no endpoints`);
        if (noEndpoints) {
          // Nothing to DNAT to. kube-proxy's REJECT would answer, unless something earlier in FORWARD drops the packet first.
          const reason = this.noEndpoints(svc);
          w.rootCause = reason.blame;
          add({ status: 'fail', step: 'service', text: `Service ${svc.namespace}/${svc.name} has no endpoints${svc.portName ? ` (port ${svc.portName})` : ''}, so kube-proxy on ${S.node} has no pod to send it to: ${reason.why}`, where: S.node, object: w.rootCause });
        } else {
          const running = this.input.kubeProxyNodes?.includes(S.node);
          add({
            status: flow.ok ? 'info' : 'fail',
            step: 'service',
            text: `no kube-proxy rule for ${serviceText} (${svc.clusterIP}:${svc.port}) counted on ${S.node}: the packet left with the ClusterIP untranslated (${running === false ? `kube-proxy is not running on ${S.node}` : `is kube-proxy running on ${S.node}?`})`,
            where: S.node,
            object: svcObject,
          });
          if (!flow.ok && running === false) w.rootCause = { kind: 'DaemonSet', namespace: 'kube-system', name: 'kube-proxy', detail: `no kube-proxy pod on ${S.node}` };
        }
      }
    }
    return endpoint;
  }

  /** 3. Node by node along the routes, from the source node to the node that delivers (or loses) the packet. */
  private alongRoutes(w: Walk, serviceEndpoint: Endpoint, veth: string): Arrival | WalkResult {
    const { flow, add, path } = w;
    const S = flow.src;
    const end = w.end;
    let endpoint = serviceEndpoint;
    let node = S.node;
    let inIf = veth;
    const seen = new Set<string>();
    let epPod = this.podByIP(endpoint.ip);
    let delivered = false;
    // The source address as the next node sees it, once a node on the way masqueraded the packet.
    let src = S.ip;
    const nodePort = this.nodePortService(flow);
    while (!seen.has(node)) {
      seen.add(node);
      const state = this.state({ node });
      // A NodePort is translated by the node whose address it was sent to.
      let nodePortMissing = false;
      let masquerade = false;
      if (nodePort && this.nodesByIP.get(endpoint.ip)?.name === node) {
        const translated = this.translateNodePort(state, flow, nodePort, node, { in: inIf, src });
        for (const hop of translated.hops) add(hop);
        w.tracked ??= translated.tracked;
        if (translated.endpoint) {
          endpoint = translated.endpoint;
          epPod = this.podByIP(endpoint.ip);
        }
        nodePortMissing = !translated.jumped;
        masquerade = translated.masquerade;
      }
      const route = longestPrefixMatch(this.input.routes[node] ?? [], endpoint.ip);
      const outIf = route?.dev;
      if (!flow.ok) {
        const drop = this.findDrop(state, flow, endpoint, { in: inIf, src, ...(outIf ? { out: outIf } : {}) }, node);
        if (drop) {
          if (outIf && outIf !== 'eth0' && epPod) path.push(...this.deliveryPoints(node, outIf, epPod));
          else if (outIf === 'eth0') path.push({ where: { node }, interface: 'eth0', label: `${node}-eth0` });
          add(drop.hop(node));
          return end(drop.verdict, drop.blame, endpoint);
        }
        if (nodePort && nodePortMissing) {
          // Nothing translated it and nothing dropped it: kube-proxy has no rule for this NodePort here.
          const running = this.input.kubeProxyNodes?.includes(node);
          if (running === false) w.rootCause = { kind: 'DaemonSet', namespace: 'kube-system', name: 'kube-proxy', detail: `no kube-proxy pod on ${node}` };
          add({
            status: 'fail',
            step: 'service',
            text: `no kube-proxy rule for NodePort ${flow.port} (${describeService(nodePort)}) counted on ${node}: the packet reached the node itself untranslated (${running === false ? `kube-proxy is not running on ${node}` : `is kube-proxy running on ${node}?`})`,
            where: node,
            object: w.rootCause ?? { kind: 'Service', namespace: nodePort.namespace, name: nodePort.name, detail: `nodePort ${flow.port}` },
          });
        }
      }
      for (const allow of this.policyAllows(state, flow, endpoint, node)) add(allow);
      const routeObject: HopObject = { kind: 'Node', name: node, detail: 'route' };
      if (!route) {
        add({ status: 'fail', step: 'route', text: `no route to ${endpoint.ip} on ${node}`, where: node, object: routeObject });
        return end('lost', routeObject, endpoint);
      }
      if (route.type && route.type !== 'unicast') {
        const blame: HopObject = { kind: 'Node', name: node, detail: `route ${route.dst} ${route.type}` };
        add({ status: 'fail', step: 'route', text: `route ${route.dst} on ${node} is ${route.type}: the kernel drops the packet`, where: node, object: blame });
        return end('dropped', blame, endpoint);
      }
      if (this.nodesByIP.get(endpoint.ip)?.name === node) {
        add({ status: flow.ok ? 'ok' : 'info', step: 'route', text: `${endpoint.ip} is ${node}'s own address: the packet is delivered to the node itself`, where: node });
        break;
      }
      const via = route.gateway ? ` via ${route.gateway}` : '';
      const gwNode = route.gateway ? this.nodesByIP.get(route.gateway) : this.nodesByIP.get(endpoint.ip);
      if (!route.gateway && route.dev && route.dev !== 'eth0') {
        add({ status: 'ok', step: 'route', text: `route ${route.dst} dev ${route.dev}${epPod ? ` (pod ${podRef(epPod)})` : ''} on ${node}`, where: node });
        if (epPod) path.push(...this.deliveryPoints(node, route.dev, epPod));
        delivered = true;
        break;
      }
      path.push({ where: { node }, interface: outIf ?? 'eth0', label: `${node}-${outIf ?? 'eth0'}` });
      if (gwNode && gwNode.name !== node) {
        add({ status: 'ok', step: 'route', text: `route ${route.dst}${via} (node ${gwNode.name}) on ${node}`, where: node });
        const nodeIP = this.input.nodes.find((n) => n.name === node)?.ip;
        if (nodeIP && src === S.ip && node === S.node && !this.inPodNetwork(endpoint.ip) && kindnetMasquerades(state)) {
          src = nodeIP;
          add({ status: 'info', step: 'masquerade', text: `kindnet on ${node} masquerades ${S.ip} as ${nodeIP}: ${endpoint.ip} is outside the pod network, so ${gwNode.name} sees the packet come from node ${node}`, where: node });
        } else if (nodeIP && masquerade) {
          src = nodeIP;
        }
        add({ status: 'ok', step: 'arrive', text: `node ${node} eth0 → node ${gwNode.name} eth0`, where: gwNode.name });
        path.push({ where: { node: gwNode.name }, interface: 'eth0', label: `${gwNode.name}-eth0` });
        node = gwNode.name;
        inIf = 'eth0';
        continue;
      }
      // An address of the pod network that this node cannot deliver: a missing route to another
      // node's pod CIDR, or (in its own CIDR) no pod with that address any more.
      const owner = this.input.nodes.find((n) => ipInCidr(endpoint.ip, n.podCIDR));
      if (owner) {
        const text =
          owner.name !== node
            ? `route ${route.dst}${via} on ${node}: no route to ${owner.podCIDR} (pods of node ${owner.name}), so the packet goes to the default gateway and never reaches ${endpoint.ip}`
            : `route ${route.dst}${via} on ${node}: no pod has ${endpoint.ip} on ${node} (no /32 route to a pod veth), so the packet goes to the default gateway`;
        const blame: HopObject = owner.name !== node ? { kind: 'Node', name: node, detail: `route to ${owner.podCIDR}` } : { kind: 'Node', name: node, detail: `no pod ${endpoint.ip}` };
        add({ status: flow.ok ? 'info' : 'fail', step: 'route', text, where: node, object: blame });
        if (!flow.ok) return end('lost', blame, endpoint);
      } else {
        add({ status: 'ok', step: 'route', text: `route ${route.dst}${via} dev ${route.dev ?? 'eth0'} on ${node}: leaves the cluster network`, where: node });
      }
      break;
    }
    return { endpoint, epPod, delivered };
  }

  /** 4. The destination pod's own tables, for a packet delivered into it. */
  private intoDestinationPod(w: Walk, { endpoint, epPod, delivered }: Arrival): WalkResult | undefined {
    const { flow, add } = w;
    if (delivered && epPod && !flow.ok) {
      const drop = this.findDrop(this.state({ namespace: epPod.namespace, pod: epPod.name }), flow, endpoint, { in: 'eth0' });
      if (drop) {
        add(drop.hop(`pod ${podRef(epPod)}`));
        return w.end(drop.verdict, drop.blame, endpoint);
      }
    }
    return undefined;
  }

  private inPodNetwork(ip: string): boolean {
    return this.input.nodes.some((n) => ipInCidr(ip, n.podCIDR));
  }

  /**
   * kube-proxy on the node a NodePort was sent to: KUBE-NODEPORTS jumps to the
   * Service's KUBE-EXT chain, which marks the packet for masquerade (policy
   * Cluster) and picks an endpoint. `jumped` is false when no NodePort rule
   * counted the packet.
   */
  private translateNodePort(state: NamespaceState | undefined, flow: FlowSpec, svc: ServicePortInfo, node: string, iface: PacketContext) {
    const hops: Omit<Hop, 'flow'>[] = [];
    const svcObject: HopObject = { kind: 'Service', namespace: svc.namespace, name: svc.name, ...(svc.portName ? { detail: `port ${svc.portName}` } : {}) };
    const counted = this.counted(state, flow, { ip: flow.dst, port: flow.port }, iface);
    const jump = counted.find((c) => c.delta.rule.table === 'nat' && c.delta.rule.chain === 'KUBE-NODEPORTS' && c.delta.rule.target === svc.chains.external);
    if (jump) {
      const policy = svc.externalPolicyLocal ? 'externalTrafficPolicy Local' : 'externalTrafficPolicy Cluster';
      hops.push({ status: 'ok', step: 'service', text: `nat KUBE-NODEPORTS → ${svc.chains.external} on ${node} (${describeService(svc)}, NodePort ${svc.nodePort}, ${policy})`, where: node, object: svcObject, rule: ruleOf(jump.delta) });
    }
    const masquerade = counted.some((c) => c.delta.rule.table === 'nat' && c.delta.rule.chain === svc.chains.external && c.delta.rule.target === 'KUBE-MARK-MASQ');
    const { tracked, chosen, endpoint } = dnatEndpoint(counted, state, iface.src, flow);
    if (endpoint) {
      const epPod = this.podByIP(endpoint.ip);
      hops.push({
        status: 'ok',
        step: 'dnat',
        text: `${chosen?.delta.rule.chain ?? 'conntrack'} DNAT → ${endpoint.ip}:${endpoint.port}${epPod ? ` (pod ${podRef(epPod)})` : ''}${masquerade ? `, marked for masquerade: the endpoint sees ${node}'s address` : ''}`,
        where: node,
        ...(epPod ? { object: { kind: 'Pod', namespace: epPod.namespace, name: epPod.name } } : {}),
        ...(chosen ? { rule: ruleOf(chosen.delta) } : {}),
      });
    }
    if (tracked && flow.kind === 'connection') hops.push({ status: 'info', step: 'conntrack', text: `conntrack on ${node}: ${describeConntrack(tracked)}`, where: node });
    return { hops, jumped: Boolean(jump || endpoint), masquerade, ...(endpoint ? { endpoint } : {}), ...(tracked ? { tracked } : {}) };
  }

  private deliveryPoints(node: string, dev: string, pod: TracePod): PathPoint[] {
    return [
      { where: { node }, interface: dev, label: `${node}-${dev}` },
      { where: { namespace: pod.namespace, pod: pod.name }, interface: 'eth0', label: `${pod.short}-eth0` },
    ];
  }

  /** "NetworkPolicy X ingress rule 0 allows it": the per-rule rows that set the allow mark for this flow. */
  private policyAllows(state: NamespaceState | undefined, flow: FlowSpec, endpoint: { ip: string; port: number }, node: string): Hop[] {
    const hops: Hop[] = [];
    const seen = new Set<string>();
    for (const c of this.counted(state, flow, endpoint)) {
      const np = c.owner.netpol;
      if (!np?.policy || c.delta.rule.target !== 'MARK') continue;
      const key = `${np.policy} ${np.direction} ${np.rule}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const [ns, name] = np.policy.split('/') as [string, string];
      const why = c.delta.rule.comment?.split(': ').slice(1).join(': ');
      hops.push({
        status: 'ok',
        step: 'policy',
        flow: flow.kind,
        text: `NetworkPolicy ${np.policy} ${np.direction} rule ${np.rule} allows it on ${node}${why ? ` (${why})` : ''}`,
        where: node,
        object: { kind: 'NetworkPolicy', namespace: ns, name, detail: `${np.direction} rule ${np.rule}` },
        rule: { table: c.delta.rule.table, chain: c.delta.rule.chain, text: c.delta.rule.text, packets: c.delta.packets },
      });
    }
    return hops;
  }

  /**
   * The NetworkPolicies that deny this flow (in `direction`, else whichever
   * direction denies it), most likely mistake first; undefined when the
   * policies allow it or cannot be evaluated.
   */
  deniedBy(flow: FlowSpec, endpoint: { ip: string; port: number }, direction?: Direction): { direction: Direction; policies: IsolatingPolicy[] } | undefined {
    const protocol = flow.protocol.toUpperCase() as Protocol;
    let verdict: FlowVerdict;
    try {
      verdict = evaluateFlow({ pods: this.policyPods, namespaces: this.input.namespaces, policies: this.input.policies }, { from: { ip: flow.src.ip }, to: { ip: endpoint.ip }, port: endpoint.port, protocol });
    } catch {
      return undefined;
    }
    const dir = direction ?? (!verdict.egress.allowed ? 'egress' : !verdict.ingress.allowed ? 'ingress' : undefined);
    if (!dir || verdict[dir].selectedBy.length === 0) return undefined;
    const srcPod = this.policyPods.find((p) => p.ip === flow.src.ip);
    const dstPod = this.policyPods.find((p) => p.ip === endpoint.ip);
    const peer = dir === 'ingress' ? { ip: flow.src.ip, ...(srcPod ? { pod: srcPod } : {}), text: `pod ${podRef(flow.src)}` } : { ip: endpoint.ip, ...(dstPod ? { pod: dstPod } : {}), text: dstPod ? `pod ${podRef(dstPod)}` : endpoint.ip };
    const policies = rankIsolatingPolicies(this.input.policies, this.input.namespaces, verdict[dir].selectedBy, { direction: dir, peer, ...(dstPod ? { dstPod } : {}), port: endpoint.port, protocol });
    return { direction: dir, policies };
  }

  /**
   * A flow lost without any iptables rule counting a drop, which the
   * NetworkPolicy objects deny: the policy was enforced where counters do not
   * show (kind's kindnet enforces policies in nftables, not iptables).
   */
  uncountedPolicyDrop(flow: FlowSpec, endpoint: { ip: string; port: number }): { blame: HopObject; text: string } | undefined {
    const denied = this.deniedBy(flow, endpoint);
    const first = denied?.policies[0];
    if (!denied || !first) return undefined;
    const [namespace, name] = first.policy.split('/') as [string, string];
    const dst = this.podByIP(endpoint.ip);
    const peer = denied.direction === 'ingress' ? `from pod ${podRef(flow.src)}` : `to ${dst ? `pod ${podRef(dst)}` : endpoint.ip}`;
    return {
      blame: { kind: 'NetworkPolicy', namespace, name, detail: denied.direction },
      text: `no iptables rule counted a drop, but NetworkPolicy ${denied.policies.map((p) => p.policy).join(', ')} (${denied.direction}) allows no ${flow.protocol}/${endpoint.port} ${peer}${first.why ? ` (${first.policy}: ${first.why})` : ''}; a policy enforced outside iptables (kindnet's nftables on kind) drops without counters here`,
    };
  }

  /** The counted DROP/REJECT (or chain policy) in one namespace that fits this flow best. */
  private findDrop(state: NamespaceState | undefined, flow: FlowSpec, endpoint: { ip: string; port: number }, iface: PacketContext, node?: string) {
    if (!state) return undefined;
    const blocking = this.counted(state, flow, endpoint, iface).filter((c) => BLOCKING.has(c.delta.rule.target ?? ''));
    const score = (c: (typeof blocking)[number]) => (c.specific ? 2 : 0) + (c.owner.netpol?.pod ? 1 : 0);
    const best = blocking.sort((a, b) => score(b) - score(a) || b.delta.packets - a.delta.packets)[0];
    const where = node ?? state.key;
    if (best) return this.describeDrop(best.delta, best.owner, flow, endpoint, where, state.inPod);
    // Chain policies count packets no rule decided on; they cannot be filtered by address.
    const policy = state.diff.policies.find((p) => p.chain.policy === 'DROP' && ['FORWARD', 'INPUT', 'OUTPUT'].includes(p.chain.chain));
    if (policy) return this.describePolicyDrop(policy, flow, where);
    return undefined;
  }

  private describePolicyDrop(policy: ChainPolicyDelta, flow: FlowSpec, where: string) {
    const blame: HopObject = { kind: 'Rule', name: `${policy.chain.table === 'filter' ? '' : `-t ${policy.chain.table} `}-P ${policy.chain.chain} DROP`, detail: where, by: 'chain policy' };
    return {
      verdict: 'dropped' as Verdict,
      blame,
      kubeProxy: false,
      hop: (w: string): Hop => ({
        status: 'fail',
        step: 'dropped',
        flow: flow.kind,
        text: `dropped on ${w} by the ${policy.chain.table} ${policy.chain.chain} chain's policy DROP: no rule accepted the packet (a policy set by hand: iptables -P ${policy.chain.chain} DROP)`,
        where,
        object: blame,
      }),
    };
  }

  private describeDrop(delta: RuleDelta, owner: Owner, flow: FlowSpec, endpoint: { ip: string; port: number }, where: string, inPod: boolean) {
    const rule = ruleOf(delta);
    const rejected = delta.rule.target === 'REJECT';
    const verb = rejected ? 'rejected' : 'dropped';
    const verdict: Verdict = rejected ? 'rejected' : 'dropped';
    const on = inPod ? `in ${where}` : `on ${where}`;
    const make = (text: string, blame: HopObject, kubeProxy = false) => ({
      verdict,
      blame,
      kubeProxy,
      hop: (): Hop => ({ status: 'fail', step: verb, flow: flow.kind, text, where, object: blame, rule }),
    });
    const proto = `${flow.protocol}/${endpoint.port}`;
    const dstPod = this.podByIP(endpoint.ip);
    const dstText = dstPod ? `pod ${podRef(dstPod)}` : endpoint.ip;

    if (owner.by === 'netpol' && owner.netpol?.pod) {
      const direction: Direction = owner.netpol.direction;
      let ranked = this.deniedBy(flow, endpoint, direction)?.policies ?? [];
      // Selectors the API server would reject cannot be evaluated: the rule's comment names the policies.
      if (ranked.length === 0) ranked = (delta.rule.comment ?? '').split(` ${direction}:`)[0]!.split(', ').filter((s) => s.includes('/')).map((policy) => ({ policy }));
      const first = ranked[0] ?? { policy: 'unknown/unknown' };
      const [ns, name] = first.policy.split('/') as [string, string];
      const peer = direction === 'ingress' ? `from pod ${podRef(flow.src)}` : `to ${dstText}`;
      const text = `${verb} ${on} by NetworkPolicy ${ranked.map((r) => r.policy).join(', ')} (${direction}: it isolates ${owner.netpol.pod} and no rule allows ${proto} ${peer}${first.why ? `; ${first.policy}: ${first.why}` : ''})`;
      return make(text, { kind: 'NetworkPolicy', namespace: ns, name, detail: direction });
    }
    if (owner.by === 'kube-proxy') {
      const comment = delta.rule.comment ?? '';
      const svc = owner.service;
      if (svc && comment.includes('has no local endpoints')) {
        // kube-proxy writes this DROP in KUBE-EXTERNAL-SERVICES for externalTrafficPolicy, in KUBE-SERVICES for internalTrafficPolicy.
        const why =
          delta.rule.chain === 'KUBE-EXTERNAL-SERVICES'
            ? `its externalTrafficPolicy is Local, so ${where} sends traffic from outside the node only to endpoints on ${where}, and none runs there`
            : `its internalTrafficPolicy is Local, so ${where} sends its ClusterIP traffic only to endpoints on ${where}, and none runs there`;
        const text = `${verb} ${on} by kube-proxy: Service ${svc.namespace}/${svc.name} has no local endpoints${svc.portName ? ` (port ${svc.portName})` : ''}: ${why}`;
        return make(text, { kind: 'Service', namespace: svc.namespace, name: svc.name, detail: 'no local endpoints' }, true);
      }
      if (svc && comment.includes('has no endpoints')) {
        const reason = this.noEndpoints(svc);
        const text = `${verb} ${on} by kube-proxy: Service ${svc.namespace}/${svc.name} has no endpoints${svc.portName ? ` (port ${svc.portName})` : ''}: ${reason.why}`;
        return make(text, reason.blame, true);
      }
      if (comment.includes('will be dropped by KUBE-PROXY-FIREWALL') || delta.rule.chain === 'KUBE-PROXY-FIREWALL') {
        const text = `${verb} ${on} by kube-proxy: not allowed by the loadBalancerSourceRanges of ${svc ? `Service ${svc.namespace}/${svc.name}` : 'a Service'}`;
        return make(text, svc ? { kind: 'Service', namespace: svc.namespace, name: svc.name, detail: 'loadBalancerSourceRanges' } : { kind: 'Rule', name: delta.rule.text, detail: where, by: 'kube-proxy' }, true);
      }
      const why = delta.rule.args.includes('INVALID') ? ' (conntrack state INVALID)' : '';
      const text = `${verb} ${on} by kube-proxy's rule${why}: ${delta.rule.text}`;
      return make(text, { kind: 'Rule', name: delta.rule.text, detail: where, by: 'kube-proxy' }, true);
    }
    const text = `${verb} ${on} by a hand-written rule no Kubernetes object owns: ${delta.rule.text}${delta.rule.table !== 'filter' ? ` (table ${delta.rule.table})` : ''}`;
    return make(text, { kind: 'Rule', name: `${delta.rule.table === 'filter' ? '' : `-t ${delta.rule.table} `}${delta.rule.text}`, detail: where, by: 'hand-written' });
  }

  /**
   * The namespaces a flow can have crossed: its pod and node, and for every
   * address it was sent or DNATed to (DNS queries spread over the CoreDNS pods),
   * the nodes along the routes and the pod at the end.
   */
  private touched(flow: FlowSpec, endpoint: { ip: string; port: number }): Set<string> {
    const keys = new Set([flow.src.node, `pod ${podRef(flow.src)}`]);
    const ends = new Set([endpoint.ip]);
    // The node that translates the Service address: the source's, or for a NodePort the node it names.
    const translator = (this.nodePortService(flow) && this.nodesByIP.get(flow.dst)?.name) || flow.src.node;
    keys.add(translator);
    for (const c of this.counted(this.state({ node: translator }), flow, { ip: flow.dst, port: flow.port })) {
      if (c.match.toDestination) ends.add(splitHostPort(c.match.toDestination).ip);
    }
    for (const ip of ends) {
      let node: string | undefined = translator;
      const seen = new Set<string>();
      while (node && !seen.has(node)) {
        seen.add(node);
        keys.add(node);
        const route = longestPrefixMatch(this.input.routes[node] ?? [], ip);
        node = route?.gateway ? this.nodesByIP.get(route.gateway)?.name : undefined;
      }
      const pod = this.podByIP(ip);
      if (pod) keys.add(`pod ${podRef(pod)}`);
    }
    return keys;
  }

  /**
   * Counted DROP/REJECT rules for ICMP on the nodes the flow crossed. ICMP errors
   * ("fragmentation needed", "port unreachable") belong to a connection without
   * carrying its ports, so the flow's own view cannot match them.
   */
  icmpDrops(flow: FlowSpec, endpoint: { ip: string; port: number }): { node: string; delta: RuleDelta; owner: Owner }[] {
    const touched = this.touched(flow, endpoint);
    const ends = [flow.src.ip, endpoint.ip, flow.dst];
    const out: { node: string; delta: RuleDelta; owner: Owner }[] = [];
    for (const state of this.byKey.values()) {
      if (!touched.has(state.key) || state.inPod) continue;
      for (const delta of state.diff.rules) {
        const m = parseRuleMatch(delta.rule.args);
        if (!BLOCKING.has(delta.rule.target ?? '') || m.protocol?.negated !== false || !/^(icmp|1)$/i.test(m.protocol.value)) continue;
        const names = (t: typeof m.src) => !t || t.negated || ends.some((ip) => ruleMayMatch({ dst: t }, { src: ip, dst: ip, protocol: 'icmp' }));
        if (!names(m.src) || !names(m.dst)) continue;
        out.push({ node: state.key, delta, owner: ownerOf(delta, state.owners, false) });
      }
    }
    return out;
  }

  /** Every counted rule with the flows it may belong to; the rest is other traffic. */
  matchedRules(flows: { spec: FlowSpec; endpoint: { ip: string; port: number } }[]): MatchedRule[] {
    const out: MatchedRule[] = [];
    const touched = flows.map((f) => this.touched(f.spec, f.endpoint));
    const icmp = flows.map((f) => new Set(this.icmpDrops(f.spec, f.endpoint).map((d) => d.delta)));
    let other = 0;
    for (const state of this.byKey.values()) {
      for (const delta of state.diff.rules) {
        const owner = ownerOf(delta, state.owners, state.inPod);
        const match = parseRuleMatch(delta.rule.args);
        const mine = flows.filter(({ spec, endpoint }, i) => {
          if (!touched[i]!.has(state.key)) return false;
          if (icmp[i]!.has(delta)) return true;
          const svc = this.flowService(spec);
          const forward = this.views(spec, endpoint);
          // Replies count too (conntrack ACCEPT rules, the source's veth on the way back).
          const reply: PacketView = { src: endpoint.ip, dst: spec.src.ip, protocol: spec.protocol, sport: endpoint.port };
          return [...forward, reply].some((v) => ruleMayMatch(match, v)) && this.ownerAllows(owner, spec, svc, endpoint);
        });
        if (mine.length === 0) {
          other++;
          continue;
        }
        out.push({
          where: state.key,
          table: delta.rule.table,
          chain: delta.rule.chain,
          position: delta.rule.position,
          text: delta.rule.text,
          packets: delta.packets,
          bytes: delta.bytes,
          owner: owner.describe,
          flows: [...new Set(mine.map((m) => m.spec.kind))],
        });
      }
    }
    // Counters are shared by all traffic: a rule with no address in it (a jump, the
    // conntrack ACCEPT) counts this flow and anything else that passed, so its count
    // can be higher than this flow alone. Rules whose text or owner rules the flow out,
    // and nodes it never crossed, are left out here.
    if (other > 0) this.notes.push(`left out ${other} counter change(s) that cannot be this flow's (other nodes, addresses, ports or pods): other traffic in the lab.`);
    return out;
  }
}

/** kindnet's masquerade agent is in place on this node: pod traffic leaving the pod network takes the node's address. */
export function kindnetMasquerades(state: NamespaceState | undefined): boolean {
  return state?.rules.some((r) => r.table === 'nat' && r.chain === 'KIND-MASQ-AGENT' && r.target === 'MASQUERADE') ?? false;
}

export function describeConntrack(e: ConntrackEntry): string {
  const o = e.original;
  const nat = e.reply.src !== o.dst ? `, translated to ${e.reply.src}:${e.reply.sport}` : '';
  const state = e.state ? `${e.state} ` : '';
  const reply = e.unreplied ? ', no reply yet [UNREPLIED]' : ', replied';
  return `${e.protocol} ${state}${o.src}:${o.sport} → ${o.dst}:${o.dport}${nat}${reply}`;
}

type Endpoint = { ip: string; port: number };

/** Where the walk along the routes left the packet: its endpoint, the pod there, and whether a pod veth took it. */
interface Arrival {
  endpoint: Endpoint;
  epPod: TracePod | undefined;
  delivered: boolean;
}

/** The hops and path of one walk so far, and the fault found on the way that explains what follows. */
class Walk {
  readonly hops: Hop[] = [];
  readonly path: PathPoint[] = [];
  /**
   * A fault found on the way that explains what follows (no endpoints, a stale DNAT):
   * it is blamed even when something further on is what finally dropped the packet.
   */
  rootCause: HopObject | undefined;
  tracked: ConntrackEntry | undefined;

  constructor(readonly flow: FlowSpec) {}

  readonly add = (hop: Omit<Hop, 'flow'>): void => void this.hops.push({ ...hop, flow: this.flow.kind });

  readonly end = (verdict: Verdict, blame: HopObject | undefined, endpoint?: WalkResult['endpoint']): WalkResult => {
    const b = this.rootCause ?? blame;
    const { hops, path, tracked } = this;
    return { hops, path, verdict, ...(b ? { blame: b } : {}), ...(endpoint ? { endpoint } : {}), ...(tracked ? { tracked } : {}) };
  };
}
