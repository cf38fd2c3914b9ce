// The benchmark's yardstick: the bare plumbing of a lab's topology (the fabric
// bridge, a namespace and veth pair per node and per pod, their addresses and
// routes) done with one plain `ip` command per step, as a shell script would, in
// a user and network namespace of its own (so it runs as root or as an ordinary
// user and never touches the host). A lab does much more than this (control
// plane, rules, DNS, the fault), so its times are reported as ratios to it: the
// ratios travel between machines, absolute times do not.
import { execa } from 'execa';

/** The bridge's address; nodes, pods and gateways are addressed as kind lays out a cluster (the embedded lab does the same). */
const FABRIC_IP = '172.18.0.1';

function plumbingNode(index: number) {
  return { index, ip: `172.18.0.${index + 2}`, podCIDR: `10.244.${index}.0/24`, gateway: `10.244.${index}.1` };
}

/** The shell script of the plumbing for `workers` worker nodes and `pods` pods spread over the nodes. */
export function plumbingScript(workers: number, pods: number): string {
  const nodes = Array.from({ length: workers + 1 }, (_, i) => plumbingNode(i));
  const lines = ['set -e', 'mount -t tmpfs yardstick /run', 'mkdir /run/netns'];
  lines.push('ip link add br0 type bridge', `ip addr add ${FABRIC_IP}/16 dev br0`, 'ip link set br0 up');
  for (const node of nodes) {
    const ns = `node${node.index}`;
    lines.push(
      `ip netns add ${ns}`,
      `ip link add n${node.index} type veth peer name eth0 netns ${ns}`,
      `ip link set n${node.index} master br0`,
      `ip link set n${node.index} up`,
      `ip -n ${ns} link set lo up`,
      `ip -n ${ns} addr add ${node.ip}/16 dev eth0`,
      `ip -n ${ns} link set eth0 up`,
      `ip -n ${ns} route add default via ${FABRIC_IP}`,
    );
  }
  for (let i = 0; i < pods; i++) {
    const node = nodes[i % nodes.length]!;
    const ns = `pod${i}`;
    const ip = `${node.podCIDR.split('.').slice(0, 3).join('.')}.${Math.floor(i / nodes.length) + 2}`;
    lines.push(
      `ip netns add ${ns}`,
      `ip -n node${node.index} link add veth${i} type veth peer name eth0 netns ${ns}`,
      `ip -n node${node.index} addr add ${node.gateway}/32 dev veth${i}`,
      `ip -n node${node.index} link set veth${i} up`,
      `ip -n node${node.index} route add ${ip}/32 dev veth${i}`,
      `ip -n ${ns} link set lo up`,
      `ip -n ${ns} addr add ${ip}/24 dev eth0`,
      `ip -n ${ns} link set eth0 up`,
      `ip -n ${ns} route add default via ${node.gateway} dev eth0 onlink`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/** Seconds the plumbing takes, run by `wrap` (for example setpriv to an ordinary user), namespaces made and all. */
export async function measureYardstick(workers: number, pods: number, wrap: string[] = [], uid = process.getuid?.() ?? 0): Promise<number> {
  // Inside, the same ids as a lab's processes: the caller's own, nobody's for root.
  const inside = uid === 0 ? 65534 : uid;
  const argv = [...wrap, 'unshare', '--user', `--map-user=${inside}`, `--map-group=${inside}`, '--keep-caps', '--net', '--mount', 'sh', '-s'];
  const started = performance.now();
  const r = await execa(argv[0]!, argv.slice(1), { input: plumbingScript(workers, pods), reject: false });
  if (r.exitCode !== 0) throw new Error(`the yardstick's plumbing failed: ${r.stderr.trim().split('\n').at(-1)}`);
  return (performance.now() - started) / 1000;
}
