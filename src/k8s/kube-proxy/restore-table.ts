// One table of iptables-restore input, collected chain by chain and printed in the order
// upstream's tests print kube-proxy's output (proxier_test.go sortIPTablesRules), so whole
// dumps compare as text and read like the expected dumps in TestOverallIPTablesRules.
import { KUBE_NODEPORTS, KUBE_SERVICES } from './chain-names.js';

export type RuleWord = string | readonly string[];

interface Rule {
  line: string;
  comment?: string;
}

const LAST_RULE_MARK = 'must be the last rule';

export class RestoreTable {
  private readonly declared = new Set<string>();
  private readonly rules = new Map<string, Rule[]>();
  private readonly deleted = new Set<string>();

  constructor(readonly name: 'filter' | 'nat') {}

  /** `:CHAIN - [0:0]`: creates the chain, or flushes it under `iptables-restore --noflush`. */
  declare(chain: string): void {
    this.declared.add(chain);
  }

  /** `-A CHAIN words…`; a word may be a list (such as the four words of a comment match). */
  rule(chain: string, ...words: RuleWord[]): void {
    const flat = words.flat();
    const commentAt = flat.indexOf('--comment');
    const rule: Rule = { line: ['-A', chain, ...flat].join(' ') };
    if (commentAt >= 0) rule.comment = flat[commentAt + 1]!.replace(/^"|"$/g, '');
    const list = this.rules.get(chain) ?? [];
    list.push(rule);
    this.rules.set(chain, list);
  }

  /** Flush then delete (`:CHAIN` then `-X CHAIN`), as upstream removes a stale chain. */
  remove(chain: string): void {
    this.declare(chain);
    this.deleted.add(chain);
  }

  render(): string {
    for (const chain of this.rules.keys()) {
      if (!this.declared.has(chain)) throw new Error(`kube-proxy rules: ${this.name} chain ${chain} has rules but is not declared`);
    }
    const chains = [...this.declared].sort(chainOrder);
    const lines = [`*${this.name}`, ...chains.map((chain) => `:${chain} - [0:0]`)];
    for (const chain of chains) {
      const rules = this.rules.get(chain) ?? [];
      const sorted = chain === KUBE_NODEPORTS || chain === KUBE_SERVICES ? [...rules].sort(byServiceName) : rules;
      lines.push(...sorted.map((rule) => rule.line));
    }
    lines.push(...chains.filter((chain) => this.deleted.has(chain)).map((chain) => `-X ${chain}`), 'COMMIT');
    return lines.join('\n') + '\n';
  }
}

/** Quotes a comment the way kube-proxy writes it (and iptables-save prints it): only if it has a space. */
export function comment(text: string): string[] {
  return ['-m', 'comment', '--comment', text.includes(' ') ? `"${text}"` : text];
}

// KUBE-NODEPORTS, then KUBE-SERVICES, then the other KUBE-* chains alphabetically.
function chainOrder(a: string, b: string): number {
  const rank = (chain: string) => (chain === KUBE_NODEPORTS ? 0 : chain === KUBE_SERVICES ? 1 : chain.startsWith('KUBE-') ? 2 : 3);
  return rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0);
}

// Stable sort by the Service named in the comment (text before the first space or colon);
// the tail rule jumping to KUBE-NODEPORTS stays last.
function byServiceName(a: Rule, b: Rule): number {
  const last = (rule: Rule) => (rule.comment?.includes(LAST_RULE_MARK) ? 1 : 0);
  if (last(a) !== last(b)) return last(a) - last(b);
  const key = (rule: Rule) => (rule.comment ?? '').split(/[ :]/)[0]!;
  const ka = key(a);
  const kb = key(b);
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}
