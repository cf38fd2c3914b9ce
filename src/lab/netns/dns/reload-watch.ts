// The reload plugin's watcher: checks the Corefile file every interval (plus
// jitter) and reloads when its SHA512 changed. A Corefile whose reload failed is
// retried only once it changes again.
import { randomInt } from 'node:crypto';
import fs from 'node:fs';
import { pluginOf } from '../../../k8s/dns/corefile.js';
import type { DnsLog } from './plugins/types.js';
import { sha512, type RunningConfig } from './running-config.js';

export interface ReloadWatchOptions {
  /** The Corefile's file; without it nothing is watched. */
  corefilePath: string | undefined;
  /** Overrides the check interval (tests); default the plugin's interval plus jitter. */
  checkMs: number | undefined;
  log: DnsLog;
  config(): RunningConfig;
  /** The hash of the last Corefile text whose reload failed. */
  lastFailedHash(): string;
  reload(text: string): Promise<unknown>;
  closed(): boolean;
}

export class ReloadWatch {
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly opts: ReloadWatchOptions) {}

  /** (Re)arms the next check from the running configuration's reload settings. */
  schedule(): void {
    this.stop();
    const { opts } = this;
    const servers = opts.config().corefile.servers;
    const cfgs = servers.map((b) => pluginOf(b, 'reload')).filter((r) => r !== undefined);
    if (!cfgs.length || !opts.corefilePath || opts.closed()) return;
    const interval = Math.min(...cfgs.map((c) => c.intervalMs));
    const jitter = Math.min(...cfgs.map((c) => c.jitterMs));
    const delay = opts.checkMs ?? interval + (jitter > 0 ? randomInt(0, Math.floor(jitter) + 1) : 0);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.check(opts.corefilePath!).finally(() => {
        if (!opts.closed()) this.schedule();
      });
    }, delay);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private check(corefilePath: string): Promise<unknown> {
    const { opts } = this;
    let text: string | undefined;
    try {
      text = fs.readFileSync(corefilePath, 'utf8');
    } catch (error) {
      opts.log.error(`plugin/reload: cannot read ${corefilePath}: ${(error as Error).message}`);
    }
    if (text === undefined) return Promise.resolve();
    const hash = sha512(text);
    return hash !== opts.config().hash && hash !== opts.lastFailedHash() ? opts.reload(text) : Promise.resolve();
  }
}
