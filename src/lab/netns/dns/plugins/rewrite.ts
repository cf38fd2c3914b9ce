// rewrite: changes the question before the rest of the chain sees it, and maps
// the response back so the client gets an answer to what it asked.
import type { NameMatch, RewriteRule } from '../../../../k8s/dns/corefile.js';
import { goRegexToJs } from '../../../../k8s/dns/corefile.js';
import { errorReply, questionOf, type PluginInstance, type Query } from './types.js';
import { fq, lowerFq, setRcode, rcodeOf, type Answer, type DecodedPacket, type Packet, type Question } from '../wire.js';

type ResponseFix = (msg: Packet, original: string) => void;

function nameMatches(match: NameMatch, pattern: string, name: string): RegExpExecArray | boolean {
  switch (match) {
    case 'exact':
      return name === pattern;
    case 'prefix':
      return name.startsWith(pattern);
    case 'suffix':
      return name.endsWith(pattern);
    case 'substring':
      return name.includes(pattern);
    case 'regex':
      return new RegExp(goRegexToJs(pattern)).exec(name) ?? false;
  }
}

function fillGroups(template: string, groups: RegExpExecArray): string {
  return template.replace(/\{(\d+)\}/g, (m, i: string) => groups[Number(i)] ?? m);
}

function renameOwners(msg: Packet, rename: (owner: string) => string | undefined): void {
  const fix = (list: Answer[] | undefined) =>
    (list ?? []).map((a) => {
      if (a.type === 'OPT') return a;
      const to = rename(lowerFq(a.name));
      return to ? ({ ...a, name: to } as Answer) : a;
    });
  msg.answers = fix(msg.answers);
  msg.additionals = fix(msg.additionals);
}

const VALID_NAME = /^([a-z0-9_*]([a-z0-9_\-*]{0,61}[a-z0-9_*])?\.)+$|^\.$/i;

export function rewritePlugin(rules: RewriteRule[]): PluginInstance {
  return {
    name: 'rewrite',
    wrap: (next) => async (q) => {
      const question: Question = { ...q.req.questions![0]! };
      const original = fq(questionOf(q).name);
      const fixes: ResponseFix[] = [];
      for (const rule of rules) {
        const name = lowerFq(question.name);
        let done = false;
        switch (rule.field) {
          case 'name': {
            const m = nameMatches(rule.match, rule.from, name);
            if (!m) break;
            let to: string;
            if (rule.match === 'exact') to = rule.to;
            else if (rule.match === 'prefix') to = rule.to + name.slice(rule.from.length);
            else if (rule.match === 'suffix') to = name.slice(0, name.length - rule.from.length) + rule.to;
            else if (rule.match === 'substring') to = name.split(rule.from).join(rule.to);
            else to = lowerFq(fillGroups(rule.to, m as RegExpExecArray));
            to = lowerFq(to);
            question.name = to;
            done = true;
            const answer = rule.answer;
            if (answer.kind === 'auto') {
              fixes.push((msg) => renameOwners(msg, (owner) => (owner === to ? original : undefined)));
            } else if (answer.kind === 'name') {
              const re = new RegExp(goRegexToJs(answer.from));
              fixes.push((msg) =>
                renameOwners(msg, (owner) => {
                  const g = re.exec(owner);
                  return g ? lowerFq(fillGroups(answer.to, g)) : undefined;
                }),
              );
            }
            break;
          }
          case 'type':
            if (question.type.toUpperCase() === rule.from) {
              question.type = rule.to as Question['type'];
              done = true;
            }
            break;
          case 'class':
            if ((question.class ?? 'IN').toUpperCase() === rule.from) {
              question.class = rule.to as Question['class'];
              done = true;
            }
            break;
          case 'ttl':
            if (nameMatches(rule.match, rule.from, name)) {
              done = true;
              fixes.push((msg) => {
                const clamp = (t: number) => Math.max(rule.minTtl, Math.min(t, rule.maxTtl));
                msg.answers = (msg.answers ?? []).map((a) => (a.type === 'OPT' ? a : ({ ...a, ttl: clamp(a.ttl ?? 0) } as Answer)));
              });
            }
            break;
          case 'rcode':
            if (nameMatches(rule.match, rule.name, name)) {
              done = true;
              fixes.push((msg) => {
                if (rcodeOf(msg) === rule.from) setRcode(msg, rule.to);
              });
            }
            break;
          case 'edns0':
          case 'cname':
            // Parsed and accepted; the lab does not act on them.
            break;
        }
        if (done && rule.mode === 'stop') break;
      }
      if (!VALID_NAME.test(fq(question.name))) {
        return errorReply(q, 'SERVFAIL', new Error(`plugin/rewrite: invalid name after rewrite: ${question.name}`));
      }
      const req: DecodedPacket = { ...q.req, questions: [question] };
      const inner: Query = { ...q, req };
      const reply = await next(inner);
      const msg = reply.msg;
      msg.questions = (q.req.questions ?? []).map((x) => ({ ...x }));
      for (const fix of fixes) fix(msg, original);
      return reply;
    },
  };
}
