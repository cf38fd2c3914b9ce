// The per-node agents of the lab: kube-proxy (only where the kube-system/kube-proxy
// DaemonSet runs a pod, so a node without one keeps its last rules, stale, as a
// real node does after kube-proxy exits) and the NetworkPolicy agent. Each writes
// only its own chains with `iptables-restore --noflush`, so a rule a learner or a
// fault typed into a built-in chain stays where it is; kube-proxy in nftables mode
// replaces only its own `table ip kube-proxy`.
import { runOk } from '../../exec.js';
import type { KubeObject, V1EndpointSlice, V1Namespace, V1NetworkPolicy, V1Service } from '../../k8s/objects.js';
import type { PodSpec } from './controllers/workloads.js';
import { isReady } from '../../k8s/ready.js';
import { kubeProxyNftables } from '../../k8s/kube-proxy/nft-ruleset.js';
import { loadKubeProxyTable } from './kube-proxy/nft-load.js';
import { kubeProxyRestore } from '../../k8s/kube-proxy/rules.js';
import { netpolRestore } from '../../k8s/netpol/compile.js';
import type { PolicyPod } from '../../k8s/netpol/types.js';
import { nodeNetns } from './names.js';
import type { ObjectStore } from './store.js';
import type { Topology } from './topology.js';

interface Applied {
  text: string;
  chains: { nat: string[]; filter: string[] };
}

function declaredChains(text: string): { nat: string[]; filter: string[] } {
  const out = { nat: [] as string[], filter: [] as string[] };
  let table: 'nat' | 'filter' | undefined;
  for (const line of text.split('\n')) {
    if (line === '*nat' || line === '*filter') table = line.slice(1) as 'nat' | 'filter';
    else if (line.startsWith(':') && table) out[table].push(line.slice(1).split(' ')[0]!);
    // A restore declares a stale chain only to delete it with -X.
    else if (line.startsWith('-X ') && table) out[table] = out[table].filter((c) => c !== line.slice(3).trim());
  }
  return out;
}

export class NodeAgents {
  private kubeProxy = new Map<string, Applied>();
  private policy = new Map<string, Applied>();

  constructor(
    private readonly lab: string,
    private readonly topology: Topology,
  ) {}

  /** Nodes where a kube-proxy pod is running (the DaemonSet's selector decides, as on a real cluster). */
  kubeProxyNodes(store: ObjectStore): Set<string> {
    return new Set(
      store
        .list('Pod', 'kube-system')
        .filter((p) => p.metadata.labels?.['k8s-app'] === 'kube-proxy' && isReady(p))
        .map((p) => (p.spec as PodSpec).nodeName!),
    );
  }

  async sync(store: ObjectStore, pods: { uid: string; ip: string; node: string; hostVeth: string }[]): Promise<void> {
    const services = store.list('Service') as unknown as V1Service[];
    const slices = store.list('EndpointSlice') as unknown as V1EndpointSlice[];
    const proxyNodes = this.kubeProxyNodes(store);
    const byUid = new Map(store.list('Pod').map((p) => [p.metadata.uid!, p]));
    const policyPods: PolicyPod[] = pods.flatMap((p) => {
      const pod = byUid.get(p.uid);
      return pod ? [toPolicyPod(pod, p)] : [];
    });
    const namespaces = store.list('Namespace') as unknown as V1Namespace[];
    const policies = store.list('NetworkPolicy') as unknown as V1NetworkPolicy[];
    await Promise.all(
      this.topology.nodes.map(async (node) => {
        if (proxyNodes.has(node.name) && this.topology.kubeProxyMode === 'nftables') {
          const commands = kubeProxyNftables({
            nodeName: node.name,
            nodeIP: node.ip,
            clusterCIDR: this.topology.podSubnet,
            serviceCIDR: this.topology.serviceSubnet,
            services,
            endpointSlices: slices,
            counters: true,
          });
          if (this.kubeProxy.get(node.name)?.text !== commands) {
            await loadKubeProxyTable(nodeNetns(this.lab, node.name), commands);
            this.kubeProxy.set(node.name, { text: commands, chains: { nat: [], filter: [] } });
          }
        } else if (proxyNodes.has(node.name)) {
          const previous = this.kubeProxy.get(node.name);
          const text = kubeProxyRestore({
            nodeName: node.name,
            nodeIP: node.ip,
            clusterCIDR: this.topology.podSubnet,
            services,
            endpointSlices: slices,
            existingChains: previous?.chains ?? { nat: [], filter: [] },
          });
          await this.restore(node.name, this.kubeProxy, text);
        }
        const previous = this.policy.get(node.name);
        const text = netpolRestore({ nodeName: node.name, pods: policyPods, namespaces, policies, existingChains: previous?.chains.filter ?? [] });
        await this.restore(node.name, this.policy, text);
      }),
    );
  }

  private async restore(node: string, applied: Map<string, Applied>, text: string): Promise<void> {
    const previous = applied.get(node);
    if (previous?.text === text) return;
    await runOk(['ip', 'netns', 'exec', nodeNetns(this.lab, node), 'iptables-restore', '--noflush', '-w'], { input: text });
    applied.set(node, { text, chains: declaredChains(text) });
  }
}

function toPolicyPod(pod: KubeObject, running: { ip: string; node: string; hostVeth: string }): PolicyPod {
  const spec = pod.spec as PodSpec;
  return {
    namespace: pod.metadata.namespace!,
    name: pod.metadata.name,
    labels: pod.metadata.labels ?? {},
    ip: running.ip,
    nodeName: running.node,
    hostVeth: running.hostVeth,
    ports: spec.containers.flatMap((c) =>
      (c.ports ?? []).map((p) => ({
        ...(p.name ? { name: p.name } : {}),
        containerPort: p.containerPort,
        protocol: (p.protocol ?? 'TCP') as 'TCP' | 'UDP' | 'SCTP',
      })),
    ),
  };
}
