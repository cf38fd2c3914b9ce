import type { Command } from 'commander';
import { run as exec, MissingBinaryError } from '../../exec.js';
import { AUTO_ORDER, backends, type BackendChoice } from '../../lab/backends.js';
import { kindBackend } from '../../lab/kind/backend.js';
import { leftoverCaptureContainers } from '../../lab/kind/capture-container.js';
import { readLabRecord } from '../../lab/kind/state.js';
import { findLeftovers } from '../../lab/netns/cleanup.js';
import { netnsBackend } from '../../lab/netns/backend.js';
import { color, mark, printJson, println } from '../output.js';

/** The learner's toolbox: the tools the debriefs use, and the Debian/Ubuntu package of each. */
export const TOOLBOX: { tool: string; pkg: string; why: string }[] = [
  { tool: 'ip', pkg: 'iproute2', why: 'routes, links, addresses' },
  { tool: 'iptables', pkg: 'iptables', why: 'kube-proxy and NetworkPolicy rules, counters' },
  { tool: 'conntrack', pkg: 'conntrack', why: 'connection tracking entries' },
  { tool: 'tcpdump', pkg: 'tcpdump', why: 'packets on the wire' },
  { tool: 'curl', pkg: 'curl', why: 'HTTP from inside a pod' },
  { tool: 'dig', pkg: 'dnsutils', why: 'DNS queries' },
  { tool: 'nc', pkg: 'netcat-openbsd', why: 'raw TCP/UDP' },
];

async function present(tool: string): Promise<boolean> {
  try {
    return (await exec(['sh', '-c', `command -v ${tool}`])).exitCode === 0;
  } catch (error) {
    if (error instanceof MissingBinaryError) return false;
    throw error;
  }
}

export async function run(options: { backend?: BackendChoice }, command: Command): Promise<void> {
  const shown = backends.filter((b) => !options.backend || options.backend === 'auto' || b.name === options.backend);
  const backendReports = await Promise.all(shown.map(async (b) => ({ backend: b.name, ...(await b.available()) })));
  // What `start --backend auto` would pick for a scenario that runs everywhere.
  const auto = options.backend === 'auto' || !options.backend ? (AUTO_ORDER.find((name) => backendReports.find((r) => r.backend === name)?.ok) ?? null) : undefined;
  const tools = await Promise.all(TOOLBOX.map(async (t) => ({ ...t, present: await present(t.tool) })));
  const missing = tools.filter((t) => !t.present);
  const install = missing.length ? `apt-get install -y ${[...new Set(missing.map((t) => t.pkg))].join(' ')}` : null;
  const leftovers = [];
  for (const lab of await netnsBackend.leftovers()) {
    if ((readLabRecord(lab)?.backend ?? 'netns') !== 'netns') continue;
    const l = await findLeftovers(lab);
    leftovers.push({ lab, running: Boolean(l.supervisor), namespaces: l.namespaces.length, processes: l.processes.length });
  }
  const kindLabs = (await kindBackend.leftovers()).map((lab) => ({ lab, backend: 'kind', running: Boolean(readLabRecord(lab)), cluster: readLabRecord(lab)?.cluster ?? lab }));
  const captures = (await leftoverCaptureContainers()).containers;
  if (command.optsWithGlobals().json) {
    return printJson({ backends: backendReports, ...(auto !== undefined ? { auto } : {}), toolbox: tools, install, labs: leftovers, kindClusters: kindLabs, captureContainers: captures });
  }

  println(color.bold('Backends'));
  for (const b of backendReports) println(`  ${mark(b.ok)} ${b.backend.padEnd(10)} ${b.ok ? b.detail : b.reason}`);
  if (auto !== undefined) println(`  --backend auto picks: ${auto ?? 'nothing on this machine (see above)'}`);
  println(color.bold('Toolbox'));
  for (const t of tools) println(`  ${mark(t.present)} ${t.tool.padEnd(10)} ${color.dim(t.why)}`);
  if (install) println(`  Install what is missing: ${color.cyan(install)}`);
  println(color.bold('Labs on this machine'));
  if (leftovers.length === 0 && kindLabs.length === 0 && captures.length === 0) println('  none');
  for (const k of kindLabs) {
    println(`  ${k.lab}: kind cluster ${k.cluster}${k.running ? ', in use' : color.yellow(', kept with no lab (netbreak clean deletes it)')}`);
  }
  for (const c of captures) {
    println(`  ${c.lab}: ${color.yellow(`capture container ${c.name} on ${c.node}, left by a trace that is gone (netbreak clean removes it)`)}`);
  }
  for (const l of leftovers) {
    println(`  ${l.lab}: ${l.running ? 'running' : color.yellow('left over from a crash (run netbreak clean)')}, ${l.namespaces} namespace(s), ${l.processes} process(es)`);
  }
}
