// What `netbreak doctor` shows of the kind backend on this machine: the clusters
// netbreak created (in use by a lab, or kept after stop) and the capture
// containers of traces that are gone. It changes nothing.
import type { InventorySection } from '../backend.js';
import { readLabRecord } from '../state.js';
import { leftoverCaptureContainers } from './capture-container.js';

/** `labs`: the backend's leftovers() (every cluster netbreak created, by lab name). */
export async function kindInventory(labs: string[]): Promise<InventorySection[]> {
  const clusters = labs.map((lab) => {
    const record = readLabRecord(lab);
    const running = Boolean(record);
    const cluster = record?.cluster ?? lab;
    return {
      lab,
      text: `kind cluster ${cluster}${running ? ', in use' : ', kept with no lab (netbreak clean deletes it)'}`,
      leftover: !running,
      json: { lab, backend: 'kind', running, cluster },
    };
  });
  const captures = (await leftoverCaptureContainers()).containers.map((c) => ({
    lab: c.lab,
    text: `capture container ${c.name} on ${c.node}, left by a trace that is gone (netbreak clean removes it)`,
    leftover: true,
    json: { ...c },
  }));
  return [
    { key: 'kindClusters', items: clusters },
    { key: 'captureContainers', items: captures },
  ];
}
