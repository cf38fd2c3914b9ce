// errors: prints the error a plugin returned, as `[ERROR] plugin/errors: 2 name. A: …`.
import type { ErrorsConfig } from '../../../../k8s/dns/corefile.js';
import { goRegexToJs } from '../../../../k8s/dns/corefile.js';
import { fq, rcodeNumber, rcodeOf } from '../wire.js';
import { questionOf, type PluginEnv, type PluginInstance } from './types.js';

export function errorsPlugin(cfg: ErrorsConfig, env: PluginEnv): PluginInstance {
  // consolidate: errors matching a pattern are counted and reported once per window.
  const windows = cfg.consolidate.map((c) => ({ ...c, re: new RegExp(goRegexToJs(c.pattern)), count: 0, timer: undefined as NodeJS.Timeout | undefined }));
  const seconds = (ms: number) => `${ms / 1000}s`;
  return {
    name: 'errors',
    wrap: (next) => async (q) => {
      const reply = await next(q);
      if (!reply.err) return reply;
      const { name, type } = questionOf(q);
      const line = `${rcodeNumber(rcodeOf(reply.msg))} ${fq(name)} ${type}: ${reply.err.message}`;
      const w = windows.find((x) => x.re.test(line));
      if (!w) {
        env.log.error(`plugin/errors: ${line}`);
        return reply;
      }
      w.count++;
      w.timer ??= setTimeout(() => {
        env.log.error(`plugin/errors: ${w.count} errors like '${w.pattern}' occurred in last ${seconds(w.everyMs)}`);
        w.count = 0;
        w.timer = undefined;
      }, w.everyMs).unref();
      return reply;
    },
    stop() {
      for (const w of windows) if (w.timer) clearTimeout(w.timer);
    },
  };
}
