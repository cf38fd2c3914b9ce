// Reading `nft list table ip kube-proxy` as data, and which of its rules counted a
// flow: in nftables mode the lab writes a `counter` into each of kube-proxy's rules,
// so the rules a probe matched are the ones whose packets grew while it was sent.
// Pure functions over text, so captured listings are enough to test them.

export interface NftRule {
  chain: string;
  /** 1-based position in its chain. */
  position: number;
  packets: number;
  /** The rule as nft prints it, without its counter. */
  text: string;
  /** `jump`/`goto` target, or the verdict (`reject`, `drop`, `return`); absent for a vmap or a statement. */
  target?: string;
  /** `ip:port` of a `dnat to` rule. */
  dnatTo?: string;
  comment?: string;
}

const COUNTER = /\s*counter packets (\d+) bytes \d+/;

/** The rules of every chain of one `nft list table` (or `nft list ruleset`) listing. */
export function parseNftTable(text: string): NftRule[] {
  const rules: NftRule[] = [];
  let chain: string | undefined;
  let position = 0;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    const opened = /^chain (\S+) \{$/.exec(line);
    if (opened) {
      chain = opened[1]!;
      position = 0;
      continue;
    }
    if (!chain) continue;
    if (line === '}') {
      chain = undefined;
      continue;
    }
    // Base-chain headers and chain comments are not rules.
    if (line === '' || line.startsWith('type ') || line.startsWith('comment ')) continue;
    position++;
    const counter = COUNTER.exec(line);
    const rule: NftRule = { chain, position, packets: counter ? Number(counter[1]) : 0, text: line.replace(COUNTER, '') };
    const comment = / comment "((?:[^"\\]|\\.)*)"$/.exec(line);
    if (comment) rule.comment = comment[1]!;
    const action = line.replace(/ comment "(?:[^"\\]|\\.)*"$/, '');
    const dnat = /\bdnat to (\S+)$/.exec(action);
    const jump = /\b(?:jump|goto) (\S+)$/.exec(action);
    const verdict = /\b(reject|drop|return)$/.exec(action);
    if (dnat) rule.dnatTo = dnat[1]!;
    else if (jump && !action.includes(' vmap ')) rule.target = jump[1]!;
    else if (verdict) rule.target = verdict[1]!;
    rules.push(rule);
  }
  return rules;
}

export interface NftDelta {
  rule: NftRule;
  packets: number;
}

/**
 * The rules whose counter grew between two listings. A rule is the same rule when chain,
 * position and text agree; one that kube-proxy rewrote in between counts from zero.
 */
export function diffNftCounters(before: NftRule[], after: NftRule[]): NftDelta[] {
  const earlier = new Map(before.map((r) => [`${r.chain}\u0000${r.position}\u0000${r.text}`, r.packets]));
  return after.flatMap((rule) => {
    const was = earlier.get(`${rule.chain}\u0000${rule.position}\u0000${rule.text}`) ?? 0;
    const packets = rule.packets >= was ? rule.packets - was : rule.packets;
    return packets > 0 ? [{ rule, packets }] : [];
  });
}
