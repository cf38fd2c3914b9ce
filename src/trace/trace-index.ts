// What one trace reads from a lab, indexed: each namespace's counter changes and
// rule owners (by node or pod), pods and nodes by address, Service ports, and the
// counted rules a flow may have caused. The walk (tracer.ts), the drop finders
// (drops.ts, policy-denial.ts, icmp-drops.ts) and matched-rules.ts read it.
import type { ProbeResult } from '../lab/lab.js';
import { kubeProxyOwners } from '../k8s/kube-proxy/owner.js';
import { servicePorts, type ServicePortInfo } from '../k8s/kube-proxy/service-ports.js';
import { endpointsForPort } from '../k8s/kube-proxy/endpoints.js';
import { netpolOwners } from '../k8s/netpol/owners.js';
import type { ChainOwner, PolicyPod } from '../k8s/netpol/types.js';
import { diffConntrack, diffCounters, parseConntrack, parseIptablesSave } from './counter-diff.js';
import { parseRuleMatch, ruleMayMatch, type PacketView } from './rule-match.js';
import { crashLoopingDns } from './dns-crash-loop.js';
import { whyNoEndpoints, type NoEndpointsReason } from './why-no-endpoints.js';
import { workloadOf } from '../k8s/pod-workload.js';
import { clusterZoneOf, kubernetesZoneFault } from '../k8s/dns/corefile-zone.js';
import { loopbackOnly, parseListeners } from './listeners.js';
import { diffNftCounters, parseNftTable } from './nft-counters.js';
import type { FlowSpec, NamespaceState, PacketContext } from './flow.js';
import { whereKey, type HopObject, type NamespaceRef, type TraceInput, type TraceNode, type TracePod } from './hops.js';
import { ownerOf, type NodeOwners, type Owner, type ServiceRef } from './owners.js';
import { ipInCidr, podRef } from './routes.js';

export class TraceIndex {
  readonly byKey = new Map<string, NamespaceState>();
  private readonly podsByIP = new Map<string, TracePod>();
  readonly nodesByIP = new Map<string, TraceNode>();
  private readonly ports: ServicePortInfo[];
  readonly policyPods: PolicyPod[];
  readonly notes: string[] = [];

  constructor(readonly input: TraceInput) {
    for (const p of input.pods) this.podsByIP.set(p.ip, p);
    for (const n of input.nodes) this.nodesByIP.set(n.ip, n);
    this.ports = servicePorts(input.services);
    this.policyPods = input.pods.map((p) => ({
      namespace: p.namespace,
      name: p.name,
      labels: p.labels,
      ip: p.ip,
      nodeName: p.node,
      hostVeth: p.hostVeth,
      ports: p.ports,
    }));
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
      if (c.nftBefore !== undefined && c.nftAfter !== undefined) state.nft = diffNftCounters(parseNftTable(c.nftBefore), parseNftTable(c.nftAfter));
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

  /** What to blame for a Service without endpoints: its selector, the workload scaled to zero, pods never Ready, or a Corefile that crashes CoreDNS. */
  noEndpoints(ref: ServiceRef): NoEndpointsReason {
    const service = this.input.services.find((s) => s.metadata?.namespace === ref.namespace && s.metadata?.name === ref.name);
    if (!service) return { blame: { kind: 'Service', namespace: ref.namespace, name: ref.name, detail: 'no endpoints' }, why: 'the Service itself is gone' };
    return crashLoopingDns(service, this.input.podObjects, this.input.corefile) ?? whyNoEndpoints(service, this.input.podObjects, this.input.deployments);
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

  state(where: NamespaceRef): NamespaceState | undefined {
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

  views(flow: FlowSpec, endpoint: { ip: string; port: number }, iface: PacketContext = {}): PacketView[] {
    const base = { protocol: flow.protocol, ...iface, src: iface.src ?? flow.src.ip };
    const views: PacketView[] = [{ ...base, dst: flow.dst, dport: flow.port }];
    if (endpoint.ip !== flow.dst || endpoint.port !== flow.port) views.push({ ...base, dst: endpoint.ip, dport: endpoint.port });
    return views;
  }

  /** The rule's owner allows it to have seen this flow (a pod chain of another pod, another Service's chain: no). */
  ownerAllows(owner: Owner, flow: FlowSpec, svc: ServicePortInfo | undefined, endpoint: { ip: string; port: number }): boolean {
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
  counted(state: NamespaceState | undefined, flow: FlowSpec, endpoint: { ip: string; port: number }, iface: PacketContext = {}) {
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

  /** Whether an address lies in a node's pod CIDR. */
  inPodNetwork(ip: string): boolean {
    return this.input.nodes.some((n) => ipInCidr(ip, n.podCIDR));
  }
}
