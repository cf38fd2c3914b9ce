// Loads kube-proxy's nftables ruleset into a node: one `nft -f` that deletes and rebuilds
// `table ip kube-proxy` in a single kernel transaction, as upstream applies each sync as one
// knftables transaction. Packets see the old table or the new one, never a mix.
import { runOk } from '../../../exec.js';
import { nftReplaceScript } from '../../../k8s/kube-proxy/nft-ruleset.js';

export async function loadKubeProxyTable(netns: string, commands: string): Promise<void> {
  await runOk(['ip', 'netns', 'exec', netns, 'nft', '-f', '-'], { input: nftReplaceScript(commands) });
}
