// hosts: answers from an /etc/hosts-style file and inline entries. Without
// fallthrough, a name it does not know gets SERVFAIL (it has no SOA to say
// NXDOMAIN with), exactly as CoreDNS's hosts plugin does.
import fs from 'node:fs';
import net from 'node:net';
import type { HostsConfig } from '../../../../k8s/dns/corefile.js';
import { addressFromReverse, fallsThrough } from '../records.js';
import { FLAG, fq, lowerFq, matchZone, replyTo, type Answer } from '../wire.js';
import { errorReply, questionOf, type DnsLog, type PluginInstance } from './types.js';

export interface HostsTable {
  byName: Map<string, string[]>;
  byAddr: Map<string, string[]>;
}

/** Parses hosts-file text: `IP name [alias…]`, `#` comments. */
export function parseHosts(text: string, table: HostsTable = { byName: new Map(), byAddr: new Map() }): HostsTable {
  for (const raw of text.split('\n')) {
    const line = raw.replace(/#.*/, '').trim();
    if (!line) continue;
    const [ip, ...names] = line.split(/\s+/);
    if (!ip || !net.isIP(ip.split('%')[0]!) || !names.length) continue;
    add(table, ip.split('%')[0]!, names);
  }
  return table;
}

function add(table: HostsTable, ip: string, names: string[]): void {
  for (const n of names) {
    const name = lowerFq(n);
    const list = table.byName.get(name) ?? [];
    if (!list.includes(ip)) list.push(ip);
    table.byName.set(name, list);
    const rev = table.byAddr.get(ip) ?? [];
    if (!rev.includes(name)) rev.push(name);
    table.byAddr.set(ip, rev);
  }
}

export function hostsPlugin(cfg: HostsConfig, log: DnsLog): PluginInstance {
  let table: HostsTable = { byName: new Map(), byAddr: new Map() };
  let stamp = '';
  let warned = false;
  const load = () => {
    let text = '';
    try {
      const st = fs.statSync(cfg.file);
      const s = `${st.ino}:${st.size}:${st.mtimeMs}`;
      if (s === stamp) return;
      stamp = s;
      text = fs.readFileSync(cfg.file, 'utf8');
    } catch (error) {
      if (!warned) log.info(`plugin/hosts: File does not exist: ${cfg.file} (${(error as Error).message})`);
      warned = true;
      if (stamp === 'missing') return;
      stamp = 'missing';
    }
    const t = parseHosts(text);
    for (const entry of cfg.inline) add(t, entry.ip, entry.names);
    table = t;
  };
  load();
  const timer = cfg.reloadMs > 0 ? setInterval(load, cfg.reloadMs).unref() : undefined;
  return {
    name: 'hosts',
    stop() {
      if (timer) clearInterval(timer);
    },
    wrap: (next) => async (q) => {
      const { name, type } = questionOf(q);
      const lname = lowerFq(name);
      if (!matchZone(cfg.zones, lname)) return next(q);
      let answers: Answer[] = [];
      if (type === 'PTR') {
        const ip = addressFromReverse(lname);
        const names = ip && !cfg.noReverse ? (table.byAddr.get(ip) ?? []) : [];
        if (!names.length) return next(q);
        answers = names.map((n) => ({ type: 'PTR', name: fq(name), ttl: cfg.ttl, class: 'IN', data: n }) as Answer);
      } else if (type === 'A' || type === 'AAAA') {
        const family = type === 'A' ? 4 : 6;
        answers = (table.byName.get(lname) ?? [])
          .filter((ip) => net.isIP(ip) === family)
          .map((ip) => ({ type, name: fq(name), ttl: cfg.ttl, class: 'IN', data: ip }) as Answer);
      }
      if (!answers.length && !table.byName.has(lname)) {
        if (fallsThrough(cfg.fallthrough, lname)) return next(q);
        return errorReply(q, 'SERVFAIL');
      }
      const msg = replyTo(q.req);
      msg.flags = (msg.flags ?? 0) | FLAG.AA;
      msg.answers = answers;
      return { msg };
    },
  };
}
