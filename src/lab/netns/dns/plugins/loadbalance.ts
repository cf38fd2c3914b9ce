// loadbalance: round_robin shuffles the address records of every answer (CNAMEs
// stay first), so clients spread over a headless service's endpoints.
import type { LoadbalanceConfig } from '../../../../k8s/dns/corefile.js';
import type { Answer } from '../wire.js';
import type { PluginInstance } from './types.js';

function shuffle<T>(items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

export function roundRobin(answers: Answer[]): Answer[] {
  if (answers.length < 2) return answers;
  const cname = answers.filter((a) => a.type === 'CNAME');
  const address = answers.filter((a) => a.type === 'A' || a.type === 'AAAA');
  const mx = answers.filter((a) => a.type === 'MX');
  const rest = answers.filter((a) => !['CNAME', 'A', 'AAAA', 'MX'].includes(a.type));
  return [...cname, ...rest, ...shuffle(address), ...shuffle(mx)];
}

// The weighted policy (a weight file) is accepted by the parser; the lab shuffles evenly.
export function loadbalancePlugin(_cfg: LoadbalanceConfig): PluginInstance {
  return {
    name: 'loadbalance',
    wrap: (next) => async (q) => {
      const reply = await next(q);
      const answers = reply.msg.answers ?? [];
      if (answers.length > 1) reply.msg.answers = roundRobin([...answers]);
      return reply;
    },
  };
}
