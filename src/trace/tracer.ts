// The walk of one flow through what a trace read (trace-index.ts): the source
// pod, kube-proxy on its node, node by node along the routes, the destination
// pod, with where (and by what) the packet died (drops.ts).
import type { ServicePortInfo } from '../k8s/kube-proxy/service-ports.js';
import { endpointsForPort } from '../k8s/kube-proxy/endpoints.js';
import { dnatEndpoint } from './dnat-endpoint.js';
import { nftServiceHops } from './nft-service.js';
import type { FlowSpec, NamespaceState, PacketContext, WalkResult } from './flow.js';
import type { Hop, HopObject, MatchedRule, NamespaceRef, PathPoint, RouteEntry, TraceNode, TracePod } from './hops.js';
import { BLOCKING, describeService, ruleOf, type Owner } from './owners.js';
import { ipInCidr, longestPrefixMatch, podRef } from './routes.js';
import { TraceIndex } from './trace-index.js';
import { findDrop } from './drops.js';
import { icmpDrops } from './icmp-drops.js';
import { matchedRules } from './matched-rules.js';
import { uncountedPolicyDrop } from './policy-denial.js';
import type { RuleDelta } from './counter-diff.js';
import { describeConntrack, kindnetMasquerades, Walk, type Arrival, type Endpoint, type Leg } from './walk-state.js';

export class Tracer extends TraceIndex {
  // What build-trace.ts asks besides the walk, found by the drop finders and matched-rules.ts.

  /** A flow lost where no iptables counter shows it, which the NetworkPolicy objects deny (policy-denial.ts). */
  uncountedPolicyDrop(flow: FlowSpec, endpoint: Endpoint): { blame: HopObject; text: string } | undefined {
    return uncountedPolicyDrop(this, flow, endpoint);
  }

  /** Counted drops of ICMP on the nodes the flow crossed (icmp-drops.ts). */
  icmpDrops(flow: FlowSpec, endpoint: Endpoint): { node: string; delta: RuleDelta; owner: Owner }[] {
    return icmpDrops(this, flow, endpoint);
  }

  /** Every counted rule with the flows it may belong to (matched-rules.ts). */
  matchedRules(flows: { spec: FlowSpec; endpoint: Endpoint }[]): MatchedRule[] {
    return matchedRules(this, flows);
  }

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
      const drop = findDrop(this, this.state(srcPodWhere), flow, { ip: flow.dst, port: flow.port }, { out: 'eth0' });
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
    if (svc && srcState?.nft) return this.throughNftService(w, svc, srcState, endpoint);
    if (svc) {
      const svcObject: HopObject = { kind: 'Service', namespace: svc.namespace, name: svc.name, ...(svc.portName ? { detail: `port ${svc.portName}` } : {}) };
      const serviceText = describeService(svc);
      const counted = this.counted(srcState, flow, endpoint, { in: veth });
      const jump = counted.find(
        (c) => c.delta.rule.table === 'nat' && c.delta.rule.chain === 'KUBE-SERVICES' && Object.values(svc.chains).includes(c.delta.rule.target ?? ''),
      );
      if (jump)
        add({
          status: 'ok',
          step: 'service',
          text: `nat KUBE-SERVICES → ${jump.delta.rule.target} (${serviceText})`,
          where: S.node,
          object: svcObject,
          rule: ruleOf(jump.delta),
        });
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
      if (w.tracked && flow.kind === 'connection')
        add({ status: 'info', step: 'conntrack', text: `conntrack on ${S.node}: ${describeConntrack(w.tracked)}`, where: S.node });
      if (!flow.ok) {
        const drop = findDrop(this, srcState, flow, endpoint, { in: veth }, S.node);
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
          add({
            status: 'fail',
            step: 'service',
            text: `Service ${svc.namespace}/${svc.name} has no endpoints${svc.portName ? ` (port ${svc.portName})` : ''}, so kube-proxy on ${S.node} has no pod to send it to: ${reason.why}`,
            where: S.node,
            object: w.rootCause,
          });
        } else {
          const running = this.input.kubeProxyNodes?.includes(S.node);
          add({
            status: flow.ok ? 'info' : 'fail',
            step: 'service',
            text: `no kube-proxy rule for ${serviceText} (${svc.clusterIP}:${svc.port}) counted on ${S.node}: the packet left with the ClusterIP untranslated (${running === false ? `kube-proxy is not running on ${S.node}` : `is kube-proxy running on ${S.node}?`})`,
            where: S.node,
            object: svcObject,
          });
          if (!flow.ok && running === false)
            w.rootCause = { kind: 'DaemonSet', namespace: 'kube-system', name: 'kube-proxy', detail: `no kube-proxy pod on ${S.node}` };
        }
      }
    }
    return endpoint;
  }

  /** 2, with kube-proxy in nftables mode: the counters of the node's `table ip kube-proxy` tell the story. */
  private throughNftService(w: Walk, svc: ServicePortInfo, srcState: NamespaceState, sent: Endpoint): Endpoint {
    const { flow, add } = w;
    const S = flow.src;
    const serviceText = describeService(svc);
    const running = this.input.kubeProxyNodes?.includes(S.node);
    const nft = nftServiceHops({
      node: S.node,
      service: svc,
      serviceText,
      flow: {
        dst: flow.dst,
        port: flow.port,
        protocol: flow.protocol,
        ok: flow.ok,
        retried: flow.kind === 'dns' ? 'other queries went to' : 'retransmissions went to',
      },
      src: S.ip,
      grown: srcState.nft ?? [],
      conntrack: srcState.conntrack,
      current: endpointsForPort(svc, this.input.endpointSlices, S.node).map((ep) => ep.endpoint),
      kubeProxyRunning: running,
      podAt: (ip) => {
        const pod = this.podByIP(ip);
        return pod ? { ref: podRef(pod), namespace: pod.namespace, name: pod.name } : undefined;
      },
    });
    for (const hop of nft.hops) add({ ...hop, where: S.node });
    if (nft.tracked) w.tracked = nft.tracked;
    if (nft.rootCause) w.rootCause = nft.rootCause;
    if (nft.rejected) {
      const reason = this.noEndpoints(svc);
      w.rootCause = reason.blame;
      add({
        status: 'fail',
        step: 'service',
        text: `Service ${svc.namespace}/${svc.name} has no endpoints${svc.portName ? ` (port ${svc.portName})` : ''}: kube-proxy's no-endpoint-services map on ${S.node} sends it to reject-chain (${reason.why})`,
        where: S.node,
        object: w.rootCause,
      });
    } else if (nft.untouched) {
      add({
        status: flow.ok ? 'info' : 'fail',
        step: 'service',
        text: `no kube-proxy rule for ${serviceText} (${svc.clusterIP}:${svc.port}) counted in ${S.node}'s table ip kube-proxy: the packet left with the ClusterIP untranslated (${running === false ? `kube-proxy is not running on ${S.node}` : `is kube-proxy running on ${S.node}?`})`,
        where: S.node,
        object: { kind: 'Service', namespace: svc.namespace, name: svc.name },
      });
      if (!flow.ok && running === false)
        w.rootCause = { kind: 'DaemonSet', namespace: 'kube-system', name: 'kube-proxy', detail: `no kube-proxy pod on ${S.node}` };
    }
    if (w.tracked && flow.kind === 'connection')
      add({ status: 'info', step: 'conntrack', text: `conntrack on ${S.node}: ${describeConntrack(w.tracked)}`, where: S.node });
    return nft.endpoint ?? sent;
  }

  /** 3. Node by node along the routes, from the source node to the node that delivers (or loses) the packet. */
  private alongRoutes(w: Walk, serviceEndpoint: Endpoint, veth: string): Arrival | WalkResult {
    const S = w.flow.src;
    const leg: Leg = { node: S.node, inIf: veth, src: S.ip, endpoint: serviceEndpoint, epPod: this.podByIP(serviceEndpoint.ip) };
    const seen = new Set<string>();
    while (!seen.has(leg.node)) {
      seen.add(leg.node);
      const stop = this.throughNode(w, leg);
      if (stop) return stop;
    }
    // The routes lead back to a node already crossed.
    return { endpoint: leg.endpoint, epPod: leg.epPod, delivered: false };
  }

  /** One node on the way: a NodePort it translates, a drop, the policies that allowed the packet, then its route; undefined when the packet goes on to the next node. */
  private throughNode(w: Walk, leg: Leg): Arrival | WalkResult | undefined {
    const state = this.state({ node: leg.node });
    const nodePort = this.nodePortService(w.flow);
    // A NodePort is translated by the node whose address it was sent to.
    const translated = nodePort && this.nodesByIP.get(leg.endpoint.ip)?.name === leg.node ? this.nodePortHere(w, leg, state, nodePort) : undefined;
    const route = longestPrefixMatch(this.input.routes[leg.node] ?? [], leg.endpoint.ip);
    if (!w.flow.ok) {
      const dropped = this.droppedOnNode(w, leg, state, route?.dev);
      if (dropped) return dropped;
      if (nodePort && translated?.missing) this.noNodePortRule(w, leg.node, nodePort);
    }
    for (const allow of this.policyAllows(state, w.flow, leg.endpoint, leg.node)) w.add(allow);
    return this.followRoute(w, leg, route, state, translated?.masquerade ?? false);
  }

  /** kube-proxy's NodePort rules on the node the packet was sent to: the leg's endpoint becomes the one they chose. */
  private nodePortHere(w: Walk, leg: Leg, state: NamespaceState | undefined, nodePort: ServicePortInfo): { missing: boolean; masquerade: boolean } {
    const translated = this.translateNodePort(state, w.flow, nodePort, leg.node, { in: leg.inIf, src: leg.src });
    for (const hop of translated.hops) w.add(hop);
    w.tracked ??= translated.tracked;
    if (translated.endpoint) {
      leg.endpoint = translated.endpoint;
      leg.epPod = this.podByIP(leg.endpoint.ip);
    }
    return { missing: !translated.jumped, masquerade: translated.masquerade };
  }

  /** The counted drop on this node that ended the walk, with the interface the packet was leaving by. */
  private droppedOnNode(w: Walk, leg: Leg, state: NamespaceState | undefined, outIf: string | undefined): WalkResult | undefined {
    const { node, endpoint, epPod } = leg;
    const drop = findDrop(this, state, w.flow, endpoint, { in: leg.inIf, src: leg.src, ...(outIf ? { out: outIf } : {}) }, node);
    if (!drop) return undefined;
    if (outIf && outIf !== 'eth0' && epPod) w.path.push(...this.deliveryPoints(node, outIf, epPod));
    else if (outIf === 'eth0') w.path.push({ where: { node }, interface: 'eth0', label: `${node}-eth0` });
    w.add(drop.hop(node));
    return w.end(drop.verdict, drop.blame, endpoint);
  }

  /** Nothing translated a NodePort and nothing dropped it: kube-proxy has no rule for this NodePort on the node. */
  private noNodePortRule(w: Walk, node: string, nodePort: ServicePortInfo): void {
    const running = this.input.kubeProxyNodes?.includes(node);
    if (running === false) w.rootCause = { kind: 'DaemonSet', namespace: 'kube-system', name: 'kube-proxy', detail: `no kube-proxy pod on ${node}` };
    w.add({
      status: 'fail',
      step: 'service',
      text: `no kube-proxy rule for NodePort ${w.flow.port} (${describeService(nodePort)}) counted on ${node}: the packet reached the node itself untranslated (${running === false ? `kube-proxy is not running on ${node}` : `is kube-proxy running on ${node}?`})`,
      where: node,
      object: w.rootCause ?? { kind: 'Service', namespace: nodePort.namespace, name: nodePort.name, detail: `nodePort ${w.flow.port}` },
    });
  }

  /** Where this node's route sends the packet: nowhere, the node itself, a pod's veth, the next node, or out of the pod network. */
  private followRoute(
    w: Walk,
    leg: Leg,
    route: RouteEntry | undefined,
    state: NamespaceState | undefined,
    masquerade: boolean,
  ): Arrival | WalkResult | undefined {
    const { flow, add, path } = w;
    const { node, endpoint, epPod } = leg;
    const here = (delivered: boolean): Arrival => ({ endpoint, epPod, delivered });
    const routeObject: HopObject = { kind: 'Node', name: node, detail: 'route' };
    if (!route) {
      add({ status: 'fail', step: 'route', text: `no route to ${endpoint.ip} on ${node}`, where: node, object: routeObject });
      return w.end('lost', routeObject, endpoint);
    }
    if (route.type && route.type !== 'unicast') {
      const blame: HopObject = { kind: 'Node', name: node, detail: `route ${route.dst} ${route.type}` };
      add({ status: 'fail', step: 'route', text: `route ${route.dst} on ${node} is ${route.type}: the kernel drops the packet`, where: node, object: blame });
      return w.end('dropped', blame, endpoint);
    }
    if (this.nodesByIP.get(endpoint.ip)?.name === node) {
      add({
        status: flow.ok ? 'ok' : 'info',
        step: 'route',
        text: `${endpoint.ip} is ${node}'s own address: the packet is delivered to the node itself`,
        where: node,
      });
      return here(false);
    }
    if (!route.gateway && route.dev && route.dev !== 'eth0') {
      add({ status: 'ok', step: 'route', text: `route ${route.dst} dev ${route.dev}${epPod ? ` (pod ${podRef(epPod)})` : ''} on ${node}`, where: node });
      if (epPod) path.push(...this.deliveryPoints(node, route.dev, epPod));
      return here(true);
    }
    path.push({ where: { node }, interface: route.dev ?? 'eth0', label: `${node}-${route.dev ?? 'eth0'}` });
    const gwNode = route.gateway ? this.nodesByIP.get(route.gateway) : this.nodesByIP.get(endpoint.ip);
    if (gwNode && gwNode.name !== node) {
      this.toNextNode(w, leg, route, gwNode, state, masquerade);
      return undefined;
    }
    return this.offPodRoutes(w, leg, route) ?? here(false);
  }

  /** The packet crosses the fabric to the next node, with the node's address as its source once a node masqueraded it. */
  private toNextNode(w: Walk, leg: Leg, route: RouteEntry, next: TraceNode, state: NamespaceState | undefined, masquerade: boolean): void {
    const { add, path } = w;
    const S = w.flow.src;
    const { node, endpoint } = leg;
    add({ status: 'ok', step: 'route', text: `route ${route.dst}${route.gateway ? ` via ${route.gateway}` : ''} (node ${next.name}) on ${node}`, where: node });
    const nodeIP = this.input.nodes.find((n) => n.name === node)?.ip;
    if (nodeIP && leg.src === S.ip && node === S.node && !this.inPodNetwork(endpoint.ip) && kindnetMasquerades(state)) {
      leg.src = nodeIP;
      add({
        status: 'info',
        step: 'masquerade',
        text: `kindnet on ${node} masquerades ${S.ip} as ${nodeIP}: ${endpoint.ip} is outside the pod network, so ${next.name} sees the packet come from node ${node}`,
        where: node,
      });
    } else if (nodeIP && masquerade) {
      leg.src = nodeIP;
    }
    add({ status: 'ok', step: 'arrive', text: `node ${node} eth0 → node ${next.name} eth0`, where: next.name });
    path.push({ where: { node: next.name }, interface: 'eth0', label: `${next.name}-eth0` });
    leg.node = next.name;
    leg.inIf = 'eth0';
  }

  /**
   * A route to no node and no pod veth. For an address of the pod network, this node cannot deliver it (a missing
   * route to another node's pod CIDR, or in its own CIDR no pod with that address any more); any other address
   * leaves the cluster network. The walk ends here when the flow failed.
   */
  private offPodRoutes(w: Walk, leg: Leg, route: RouteEntry): WalkResult | undefined {
    const { flow, add } = w;
    const { node, endpoint } = leg;
    const via = route.gateway ? ` via ${route.gateway}` : '';
    const owner = this.input.nodes.find((n) => ipInCidr(endpoint.ip, n.podCIDR));
    if (!owner) {
      add({ status: 'ok', step: 'route', text: `route ${route.dst}${via} dev ${route.dev ?? 'eth0'} on ${node}: leaves the cluster network`, where: node });
      return undefined;
    }
    const text =
      owner.name !== node
        ? `route ${route.dst}${via} on ${node}: no route to ${owner.podCIDR} (pods of node ${owner.name}), so the packet goes to the default gateway and never reaches ${endpoint.ip}`
        : `route ${route.dst}${via} on ${node}: no pod has ${endpoint.ip} on ${node} (no /32 route to a pod veth), so the packet goes to the default gateway`;
    const blame: HopObject =
      owner.name !== node ? { kind: 'Node', name: node, detail: `route to ${owner.podCIDR}` } : { kind: 'Node', name: node, detail: `no pod ${endpoint.ip}` };
    add({ status: flow.ok ? 'info' : 'fail', step: 'route', text, where: node, object: blame });
    return flow.ok ? undefined : w.end('lost', blame, endpoint);
  }

  /** 4. The destination pod's own tables, for a packet delivered into it. */
  private intoDestinationPod(w: Walk, { endpoint, epPod, delivered }: Arrival): WalkResult | undefined {
    const { flow, add } = w;
    if (delivered && epPod && !flow.ok) {
      const drop = findDrop(this, this.state({ namespace: epPod.namespace, pod: epPod.name }), flow, endpoint, { in: 'eth0' });
      if (drop) {
        add(drop.hop(`pod ${podRef(epPod)}`));
        return w.end(drop.verdict, drop.blame, endpoint);
      }
    }
    return undefined;
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
      hops.push({
        status: 'ok',
        step: 'service',
        text: `nat KUBE-NODEPORTS → ${svc.chains.external} on ${node} (${describeService(svc)}, NodePort ${svc.nodePort}, ${policy})`,
        where: node,
        object: svcObject,
        rule: ruleOf(jump.delta),
      });
    }
    const masquerade = counted.some(
      (c) => c.delta.rule.table === 'nat' && c.delta.rule.chain === svc.chains.external && c.delta.rule.target === 'KUBE-MARK-MASQ',
    );
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
    if (tracked && flow.kind === 'connection')
      hops.push({ status: 'info', step: 'conntrack', text: `conntrack on ${node}: ${describeConntrack(tracked)}`, where: node });
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
}
