// The configuration a DNS server runs: a parsed Corefile with each server block
// built into a plugin chain per port it serves. A reload builds a new one beside
// the running one and swaps them only when the new one listens.
import { createHash } from 'node:crypto';
import { parseCorefile, type Corefile, type ServerBlock } from '../../../k8s/dns/corefile.js';
import { buildChain } from './plugin-chain.js';
import type { Handler, PluginEnv, PluginInstance } from './plugins/types.js';
import { matchZone } from './wire.js';

export interface BuiltBlock {
  block: ServerBlock;
  zones: string[];
  /** The port from the Corefile, or the override. */
  requestedPort: number;
  handler: Handler;
  instances: PluginInstance[];
}

export interface RunningConfig {
  corefile: Corefile;
  text: string;
  /** What the reload plugin compares and prints (`Running configuration SHA512 = …`). */
  hash: string;
  blocks: BuiltBlock[];
}

export interface BuildOptions {
  /** The Corefile's name as its errors cite it. */
  corefileName: string;
  /** Overrides every server block's port. */
  port: number | undefined;
  resolvConfPath: string;
  /** The plugin environment of the blocks served on `requestedPort`. */
  envFor(requestedPort: number): PluginEnv;
}

export const sha512 = (text: string) => createHash('sha512').update(text).digest('hex');

/** Parses and builds Corefile text; throws CorefileError for a Corefile CoreDNS would reject. */
export function buildConfig(text: string, opts: BuildOptions): RunningConfig {
  const corefile = parseCorefile(text, { file: opts.corefileName });
  const blocks: BuiltBlock[] = [];
  try {
    for (const block of corefile.servers) {
      const requestedPort = opts.port ?? block.keys[0]!.port;
      const { handler, instances } = buildChain(block, opts.envFor(requestedPort), opts.resolvConfPath, opts.corefileName);
      blocks.push({ block, zones: [...new Set(block.keys.map((k) => k.zone))], requestedPort, handler, instances });
    }
  } catch (error) {
    for (const b of blocks) for (const i of b.instances) i.stop?.();
    throw error;
  }
  // A server block with keys on several ports is served on each of them.
  const extra: BuiltBlock[] = [];
  for (const b of blocks) {
    if (opts.port !== undefined) continue;
    for (const port of new Set(b.block.keys.map((k) => k.port))) {
      if (port === b.requestedPort) continue;
      const zones = [...new Set(b.block.keys.filter((k) => k.port === port).map((k) => k.zone))];
      extra.push({ ...b, requestedPort: port, zones });
    }
  }
  return { corefile, text, hash: sha512(text), blocks: [...blocks, ...extra] };
}

/** The server block that answers `name` on `requestedPort`: the one with the longest matching zone. */
export function pickBlock(config: RunningConfig, requestedPort: number, name: string): BuiltBlock | undefined {
  const candidates = config.blocks.filter((b) => b.requestedPort === requestedPort);
  const zone = matchZone(
    candidates.flatMap((b) => b.zones),
    name,
  );
  return zone === undefined ? undefined : candidates.find((b) => b.zones.includes(zone));
}

/** Starts each plugin instance once, with the address its block actually listens on. */
export function startPlugins(config: RunningConfig, host: string, portOf: (requestedPort: number) => number | undefined): void {
  const started = new Set<PluginInstance>();
  for (const b of config.blocks) {
    const port = portOf(b.requestedPort);
    if (port === undefined) continue;
    for (const i of b.instances) {
      if (started.has(i)) continue;
      started.add(i);
      i.start?.({ host, port });
    }
  }
}

export function stopPlugins(config: RunningConfig): void {
  for (const i of new Set(config.blocks.flatMap((b) => b.instances))) i.stop?.();
}
