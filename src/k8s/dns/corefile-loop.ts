// Does the Corefile send CoreDNS's queries back to CoreDNS itself? A forward to a
// loopback address on the port the server block listens on reaches the same
// CoreDNS process: in the pod's own network namespace 127.0.0.0/8 is the pod, and
// CoreDNS binds every address. With the loop plugin in that block, CoreDNS sends
// itself a random HINFO query at start, sees it come round again, logs
// `Loop (127.0.0.1:… -> :53) detected for zone "."` and exits (plugin/loop), so
// every CoreDNS pod crash-loops. Read from the Corefile of ConfigMap
// kube-system/coredns, so the trace can blame the Corefile for pods that never start.
import { parseCorefile, pluginOf, type Corefile } from './corefile.js';

export interface ForwardLoop {
  /** Short, for the blamed object: `forward . 127.0.1.1`. */
  detail: string;
  /** Completes "every CoreDNS pod crash-loops: …". */
  why: string;
}

const isLoopback = (host: string) => /^127\./.test(host) || host === '::1' || host === '[::1]';

/** The forward that loops back into CoreDNS in a block with the loop plugin; undefined when none does or the Corefile cannot be read. */
export function forwardLoop(corefileText: string): ForwardLoop | undefined {
  let corefile: Corefile;
  try {
    corefile = parseCorefile(corefileText);
  } catch {
    // A Corefile CoreDNS would refuse crashes the pods for another reason: not a loop.
    return undefined;
  }
  for (const block of corefile.servers) {
    const forward = pluginOf(block, 'forward');
    if (!forward || !pluginOf(block, 'loop')) continue;
    const ports = new Set(block.keys.map((k) => k.port));
    const back = forward.to.find((u) => u.kind === 'address' && isLoopback(u.host) && ports.has(u.port));
    if (!back) continue;
    const detail = `forward ${forward.from} ${back.raw}`;
    return {
      detail,
      why: `the Corefile's "${detail}" (line ${forward.line}) sends queries to the CoreDNS pod's own loopback, where CoreDNS itself listens, so its loop plugin sees its start-up query come back and stops the server`,
    };
  }
  return undefined;
}
