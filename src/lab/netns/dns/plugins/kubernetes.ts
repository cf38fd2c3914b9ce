// kubernetes: cluster records from the lab's object store (see records.ts for the rules).
import type { KubernetesConfig } from '../../../../k8s/dns/corefile.js';
import { answerKubernetes } from '../records.js';
import { FLAG, rcodeOf, replyTo } from '../wire.js';
import { questionOf, type PluginEnv, type PluginInstance } from './types.js';

export function kubernetesPlugin(cfg: KubernetesConfig, env: PluginEnv): PluginInstance {
  return {
    name: 'kubernetes',
    ready: () => env.synced(),
    wrap: (next) => async (q) => {
      const { name, type } = questionOf(q);
      const answer = answerKubernetes(await env.snapshot(), cfg, { name, type });
      if (answer.kind === 'next') return next(q);
      const msg = replyTo(q.req, answer.rcode);
      msg.flags = (msg.flags ?? 0) | FLAG.AA;
      msg.answers = answer.answers;
      msg.additionals = answer.additionals;
      msg.authorities = answer.authorities;
      if (answer.chase) {
        // An ExternalName outside the cluster: resolve the target through this
        // server (CoreDNS's upstream lookup); if that fails the CNAME is dropped.
        let ok = false;
        try {
          const res = await env.lookup(answer.chase.target, answer.chase.type);
          ok = rcodeOf(res) !== 'SERVFAIL' && rcodeOf(res) !== 'REFUSED';
          if (ok) msg.answers = [...msg.answers, ...(res.answers ?? [])];
        } catch {
          ok = false;
        }
        if (!ok) {
          msg.answers = msg.answers.filter((a) => !(a.type === 'CNAME' && a.data.toLowerCase().replace(/\.?$/, '.') === answer.chase!.target));
          if (!msg.answers.length) msg.authorities = [answer.soa];
        }
      }
      return { msg };
    },
  };
}
