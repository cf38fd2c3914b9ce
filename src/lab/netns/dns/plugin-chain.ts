// Builds one server block's query path: its plugins grouped into instances and
// chained in CoreDNS's plugin.cfg order, each wrapping the rest of the chain.
import { inExecutionOrder, type LogConfig, type PluginConfig, type RewriteConfig, type ServerBlock, type TemplateConfig } from '../../../k8s/dns/corefile.js';
import { cachePlugin } from './plugins/cache.js';
import { errorsPlugin } from './plugins/errors.js';
import { forwardPlugin, resolveUpstreams } from './plugins/forward.js';
import { hostsPlugin } from './plugins/hosts.js';
import { kubernetesPlugin } from './plugins/kubernetes.js';
import { loadbalancePlugin } from './plugins/loadbalance.js';
import { logPlugin } from './plugins/log.js';
import { loopPlugin } from './plugins/loop.js';
import { rewritePlugin } from './plugins/rewrite.js';
import { templatePlugin } from './plugins/template.js';
import { errorReply, type Handler, type PluginEnv, type PluginInstance } from './plugins/types.js';

/** Groups a block's plugin configs into chain instances in plugin.cfg order. */
export function buildChain(block: ServerBlock, env: PluginEnv, resolvConfPath: string, file: string): { handler: Handler; instances: PluginInstance[] } {
  const instances: PluginInstance[] = [];
  const ordered = inExecutionOrder(block.plugins);
  const done = new Set<string>();
  const all = <T extends PluginConfig>(name: T['name']) => ordered.filter((p) => p.name === name) as T[];
  for (const p of ordered) {
    if (done.has(p.name)) continue;
    done.add(p.name);
    switch (p.name) {
      case 'errors':
        instances.push(errorsPlugin(p, env));
        break;
      case 'log':
        instances.push(logPlugin(all<LogConfig>('log'), env));
        break;
      case 'loadbalance':
        instances.push(loadbalancePlugin(p));
        break;
      case 'cache':
        instances.push(cachePlugin(p));
        break;
      case 'rewrite':
        instances.push(rewritePlugin(all<RewriteConfig>('rewrite').flatMap((r) => r.rules)));
        break;
      case 'template':
        instances.push(templatePlugin(all<TemplateConfig>('template')));
        break;
      case 'hosts':
        instances.push(hostsPlugin(p, env.log));
        break;
      case 'kubernetes':
        instances.push(kubernetesPlugin(p, env));
        break;
      case 'loop':
        instances.push(loopPlugin(p, block.keys[0]?.zone ?? '.', env));
        break;
      case 'forward':
        instances.push(forwardPlugin(p, resolveUpstreams(p, resolvConfPath, file)));
        break;
      // Served by the server itself, outside the query path.
      case 'health':
      case 'ready':
      case 'prometheus':
      case 'reload':
        break;
    }
  }
  const lastName = instances[instances.length - 1]?.name ?? 'dnsserver';
  let handler: Handler = (q) => Promise.resolve(errorReply(q, 'SERVFAIL', new Error(`plugin/${lastName}: no next plugin found`)));
  for (let i = instances.length - 1; i >= 0; i--) handler = instances[i]!.wrap(handler);
  return { handler, instances };
}
