// What `netbreak doctor` shows of the netns labs on this machine: running or left
// over from a crash, and what of them is still there. It changes nothing.
import type { InventorySection } from '../backend.js';
import { readLabRecord } from '../state.js';
import { findLeftovers, labsWithLeftovers } from './cleanup.js';

export async function netnsInventory(): Promise<InventorySection[]> {
  const items = [];
  for (const lab of await labsWithLeftovers()) {
    // The state root holds every backend's labs; a folder without a record is a netns lab that crashed early.
    if ((readLabRecord(lab)?.backend ?? 'netns') !== 'netns') continue;
    const l = await findLeftovers(lab);
    const running = Boolean(l.supervisor ?? l.holder);
    items.push({
      lab,
      text: `${running ? 'running' : 'left over from a crash (run netbreak clean)'}, ${l.namespaces.length} namespace(s), ${l.processes.length} process(es)`,
      leftover: !running,
      json: { lab, running, namespaces: l.namespaces.length, processes: l.processes.length },
    });
  }
  return [{ key: 'labs', items }];
}
