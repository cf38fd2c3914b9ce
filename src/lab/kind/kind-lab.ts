// The Lab contract on a kind cluster: what every cluster reached through the
// Kubernetes API does (../kube-api/api-lab.ts), plus node commands and shells
// through `docker exec` into kind's node containers, their iptables counters
// and conntrack, and `trace --pcap` captures in containers that join the nodes'
// network namespaces.
import { UserError } from '../../errors.js';
import { kindCapabilities } from './capabilities.js';
import type { Capturer, CounterSnapshot, CounterTarget, Lab } from '../lab.js';
import type { ExecResult } from '../../exec.js';
import { ApiLab, type ApiLabOptions } from '../kube-api/api-lab.js';
import { captureContainer, ensureCaptureImage } from './capture-container.js';
import { execArgv, nodeExec, type ContainerEngine } from './docker.js';
import { kindNodeNames, type NodeNames } from '../kube-api/node-names.js';

export interface ClusterLabOptions extends Omit<ApiLabOptions, 'nodeNames'> {
  /** kind: the cluster name (node containers are `<cluster>-<node>`) and the engine running them. */
  cluster: string;
  engine?: ContainerEngine;
  /** How scenario node names map to the cluster's: kind's `<cluster>-<node>` unless given. */
  nodeNames?: NodeNames;
}

export class KindLab extends ApiLab implements Lab {
  readonly backend: string = 'kind';
  readonly capabilities = kindCapabilities;
  protected readonly options: ClusterLabOptions;

  constructor(options: ClusterLabOptions) {
    super({ ...options, nodeNames: options.nodeNames ?? kindNodeNames(options.cluster) });
    this.options = options;
  }

  /** Runs a command in the node's container (`docker exec netbreak-worker2 …`); `worker2` and `netbreak-worker2` both name it. */
  async nodeExec(node: string, argv: string[]): Promise<ExecResult> {
    const short = this.nodeNames.fromCluster(node);
    const nodes = await this.nodes();
    if (!nodes.includes(short)) throw new Error(`there is no node "${node}" in kind cluster ${this.options.cluster}: the nodes are ${nodes.join(', ')}`);
    return nodeExec(this.options.engine ?? 'docker', this.nodeNames.toCluster(short), argv);
  }

  override shellCommand(target: { node: string } | { namespace: string; pod: string }, argv: string[] = []): string[] {
    if (!('node' in target)) return super.shellCommand(target, argv);
    const container = this.nodeNames.toCluster(target.node);
    return execArgv(this.options.engine ?? 'docker', container, argv.length ? argv : ['bash'], Boolean(process.stdin.isTTY));
  }

  /**
   * iptables counters and conntrack of kind's node containers (`docker exec <node> iptables-save -c`,
   * `conntrack -L`). A pod reads as no rules: agnhost has no iptables and no NET_ADMIN, so no one typed any.
   */
  async counters(targets: CounterTarget[]): Promise<CounterSnapshot[]> {
    return Promise.all(
      targets.map(async (target): Promise<CounterSnapshot> => {
        if (!('node' in target)) return { target, iptables: '' };
        const [rules, tracked] = await Promise.all([this.nodeExec(target.node, ['iptables-save', '-c']), this.nodeExec(target.node, ['conntrack', '-L'])]);
        const snapshot: CounterSnapshot = { target, iptables: rules.exitCode === 0 ? rules.stdout : '' };
        if (rules.exitCode !== 0) snapshot.error = `iptables-save failed on node ${target.node}: ${rules.stderr.trim().split('\n')[0] ?? ''}`;
        if (tracked.exitCode === 0 || tracked.stdout) snapshot.conntrack = tracked.stdout;
        return snapshot;
      }),
    );
  }

  /**
   * `trace --pcap`: each capture is a container of its own that joins a node
   * container's network namespace (capture-container.ts), where the node's eth0
   * and its pods' host-side veths are. A pod's own eth0 is out of its reach.
   */
  async capturer(pcapDir: string): Promise<Capturer> {
    const engine = this.options.engine ?? 'docker';
    // `-v DIR:DIR` splits at colons.
    if (pcapDir.includes(':')) throw new UserError(`--pcap ${pcapDir}: ${engine} cannot mount a folder whose path contains ":": pick another folder`, 2);
    await ensureCaptureImage(engine);
    return {
      podsUnreachable: "on kind a pod's eth0 is in a network namespace that containerd made inside the node container, which a capture container cannot join",
      process: (target, tcpdumpArgs) => {
        if (!('node' in target)) throw new Error(`pod ${target.namespace}/${target.pod} cannot be captured on kind: capture its node's veth`);
        const options = { lab: this.name, cluster: this.options.cluster, nodeContainer: this.nodeNames.toCluster(target.node), pcapDir };
        return captureContainer(engine, options, tcpdumpArgs);
      },
    };
  }
}
