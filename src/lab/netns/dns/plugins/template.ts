// template: answers matching names from Go-template-like record strings, e.g.
//   template IN A example.org { match ^(.*)\.example\.org\.$ ; answer "{{ .Name }} 60 IN A 10.0.0.1" }
// The lab renders the common expressions ({{ .Name }}, {{ .Zone }}, {{ .Type }},
// {{ .Class }}, {{ .Remote }}, {{ index .Match N }}, {{ .Group.name }}).
import net from 'node:net';
import type { TemplateConfig } from '../../../../k8s/dns/corefile.js';
import { goRegexToJs } from '../../../../k8s/dns/corefile.js';
import { fq, FLAG, lowerFq, matchZone, replyTo, type Answer } from '../wire.js';
import { fallsThrough } from '../records.js';
import { errorReply, questionOf, type PluginInstance, type Query } from './types.js';

interface TemplateData {
  Name: string;
  Zone: string;
  Class: string;
  Type: string;
  Remote: string;
  Match: string[];
  Group: Record<string, string>;
}

export function renderTemplate(text: string, data: TemplateData): string {
  return text.replace(/\{\{-?\s*(.*?)\s*-?\}\}/g, (_m, expr: string) => {
    const simple = /^\.(Name|Zone|Class|Type|Remote)$/.exec(expr);
    if (simple) return data[simple[1] as 'Name'];
    const idx = /^index\s+\.Match\s+(\d+)$/.exec(expr);
    if (idx) return data.Match[Number(idx[1])] ?? '';
    const group = /^\.Group\.(\w+)$/.exec(expr) ?? /^index\s+\.Group\s+"(\w+)"$/.exec(expr);
    if (group) return data.Group[group[1]!] ?? '';
    throw new Error(`template expression not supported in netbreak's lab: {{ ${expr} }}`);
  });
}

function words(text: string): string[] {
  const out: string[] = [];
  const re = /"((?:[^"\\]|\\.)*)"|(\S+)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text))) out.push(m[1] !== undefined ? m[1].replace(/\\"/g, '"') : m[2]!);
  return out;
}

/** Parses one record in zone-file text form (`name [ttl] [class] type rdata…`). */
export function parseRecordText(text: string): Answer {
  const w = words(text);
  const name = fq(w.shift() ?? '');
  let ttl = 3600;
  let klass = 'IN';
  while (w.length && (/^\d+$/.test(w[0]!) || ['IN', 'CH', 'HS', 'ANY'].includes(w[0]!.toUpperCase()))) {
    const t = w.shift()!;
    if (/^\d+$/.test(t)) ttl = Number(t);
    else klass = t.toUpperCase();
  }
  const type = (w.shift() ?? '').toUpperCase();
  const base = { name, ttl, class: klass as 'IN' };
  const need = (n: number) => {
    if (w.length < n) throw new Error(`bad ${type} record: ${text}`);
  };
  switch (type) {
    case 'A':
    case 'AAAA':
      need(1);
      if (net.isIP(w[0]!) !== (type === 'A' ? 4 : 6)) throw new Error(`bad ${type} record: ${text}`);
      return { ...base, type, data: w[0]! };
    case 'CNAME':
    case 'PTR':
    case 'NS':
      need(1);
      return { ...base, type, data: fq(w[0]!) };
    case 'TXT':
      need(1);
      return { ...base, type, data: w };
    case 'MX':
      need(2);
      return { ...base, type, data: { preference: Number(w[0]), exchange: fq(w[1]!) } };
    case 'SRV':
      need(4);
      return { ...base, type, data: { priority: Number(w[0]), weight: Number(w[1]), port: Number(w[2]), target: fq(w[3]!) } };
    case 'SOA':
      need(7);
      return {
        ...base,
        type,
        data: {
          mname: fq(w[0]!),
          rname: fq(w[1]!),
          serial: Number(w[2]),
          refresh: Number(w[3]),
          retry: Number(w[4]),
          expire: Number(w[5]),
          minimum: Number(w[6]),
        },
      };
    default:
      throw new Error(`record type ${type || '(none)'} not supported in a template: ${text}`);
  }
}

export function templatePlugin(cfgs: TemplateConfig[]): PluginInstance {
  const templates = cfgs.map((c) => ({ ...c, regexes: c.match.map((m) => new RegExp(goRegexToJs(m))) }));
  const zones = [...new Set(cfgs.flatMap((c) => c.zones))];
  return {
    name: 'template',
    wrap: (next) => async (q: Query) => {
      const { name, type, class: klass } = questionOf(q);
      const lname = lowerFq(name);
      if (!matchZone(zones, lname)) return next(q);
      for (const t of templates) {
        if (t.qclass !== 'ANY' && t.qclass !== klass) continue;
        if (t.qtype !== 'ANY' && t.qtype !== type) continue;
        const zone = matchZone(t.zones, lname);
        if (!zone) continue;
        let groups: RegExpExecArray | undefined;
        for (const re of t.regexes) {
          const m = re.exec(lname);
          if (m) {
            groups = m;
            break;
          }
        }
        if (!groups) {
          if (fallsThrough(t.fallthrough, lname)) continue;
          return errorReply(q, 'NXDOMAIN');
        }
        const data: TemplateData = {
          Name: lname,
          Zone: zone,
          Class: klass,
          Type: type,
          Remote: q.remote.address,
          Match: [...groups],
          Group: { ...(groups.groups ?? {}) },
        };
        try {
          const msg = replyTo(q.req, t.rcode);
          msg.flags = (msg.flags ?? 0) | FLAG.AA;
          msg.answers = t.answer.map((a) => parseRecordText(renderTemplate(a, data)));
          msg.additionals = t.additional.map((a) => parseRecordText(renderTemplate(a, data)));
          msg.authorities = t.authority.map((a) => parseRecordText(renderTemplate(a, data)));
          return { msg };
        } catch (error) {
          return errorReply(q, 'SERVFAIL', new Error(`plugin/template: ${(error as Error).message}`));
        }
      }
      return next(q);
    },
  };
}
