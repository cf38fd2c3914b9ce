// Reading `iptables-save -c` and `conntrack -L` as data, and what changed between
// two readings: the rules a flow matched are the rules whose counters grew while
// it was sent, and the connections it made are the conntrack entries that appeared.
// Pure functions over text, so captured dumps are enough to test them.

export interface SavedRule {
  table: string;
  chain: string;
  /** 1-based position in its chain, as `iptables -L --line-numbers` counts. */
  position: number;
  packets: number;
  bytes: number;
  /** The rule as iptables-save prints it, without counters: `-A FORWARD -d 10.244.1.3/32 -j DROP`. */
  text: string;
  /** The words after `-A CHAIN`, quotes removed. */
  args: string[];
  /** `-j`/`-g` target, absent for a rule that only counts. */
  target?: string;
  comment?: string;
}

/** A chain's header line: built-in chains carry a policy and count the packets that fell off their end. */
export interface SavedChain {
  table: string;
  chain: string;
  /** ACCEPT or DROP for built-in chains; absent (`-`) for user chains. */
  policy?: string;
  packets: number;
  bytes: number;
}

export interface SavedTables {
  rules: SavedRule[];
  chains: SavedChain[];
}

/** Splits an iptables-save rule into words as a shell would: "a b" is one word, \" is a quote. */
export function splitRuleWords(line: string): string[] {
  const words: string[] = [];
  let current = '';
  let inWord = false;
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quoted) {
      if (c === '\\' && (line[i + 1] === '"' || line[i + 1] === '\\')) current += line[++i];
      else if (c === '"') quoted = false;
      else current += c;
    } else if (c === '"') {
      quoted = true;
      inWord = true;
    } else if (c === ' ' || c === '\t') {
      if (inWord) words.push(current);
      current = '';
      inWord = false;
    } else {
      current += c;
      inWord = true;
    }
  }
  if (inWord) words.push(current);
  return words;
}

const COUNTERS = /^\[(\d+):(\d+)\]\s+/;

/** Parses `iptables-save -c` output (every table in it). Lines it does not understand are skipped. */
export function parseIptablesSave(text: string): SavedTables {
  const rules: SavedRule[] = [];
  const chains: SavedChain[] = [];
  const positions = new Map<string, number>();
  let table = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line === 'COMMIT') continue;
    if (line.startsWith('*')) {
      table = line.slice(1);
      continue;
    }
    if (line.startsWith(':')) {
      const m = /^:(\S+)\s+(\S+)(?:\s+\[(\d+):(\d+)\])?/.exec(line);
      if (!m) continue;
      const chain: SavedChain = { table, chain: m[1]!, packets: Number(m[3] ?? 0), bytes: Number(m[4] ?? 0) };
      if (m[2] !== '-') chain.policy = m[2]!;
      chains.push(chain);
      continue;
    }
    const counters = COUNTERS.exec(line);
    const body = counters ? line.slice(counters[0].length) : line;
    const words = splitRuleWords(body);
    if (words[0] !== '-A' || !words[1]) continue;
    const chain = words[1];
    const key = `${table}\0${chain}`;
    const position = (positions.get(key) ?? 0) + 1;
    positions.set(key, position);
    const args = words.slice(2);
    const rule: SavedRule = {
      table,
      chain,
      position,
      packets: counters ? Number(counters[1]) : 0,
      bytes: counters ? Number(counters[2]) : 0,
      text: body,
      args,
    };
    const target = valueAfter(args, '-j') ?? valueAfter(args, '-g');
    if (target) rule.target = target;
    const comment = valueAfter(args, '--comment');
    if (comment !== undefined) rule.comment = comment;
    rules.push(rule);
  }
  return { rules, chains };
}

function valueAfter(args: string[], flag: string): string | undefined {
  const i = args.indexOf(flag);
  return i >= 0 ? args[i + 1] : undefined;
}

export interface RuleDelta {
  rule: SavedRule;
  /** Packets and bytes counted between the two readings. */
  packets: number;
  bytes: number;
  /** The rule did not exist in the first reading (its whole count is new). */
  added?: boolean;
  /** The counter went down: the rule was rewritten (iptables-restore) and counted from zero again. */
  reset?: boolean;
}

export interface ChainPolicyDelta {
  chain: SavedChain;
  packets: number;
  bytes: number;
}

export interface CounterDiff {
  rules: RuleDelta[];
  /** Built-in chains whose policy counter grew: packets no rule decided on. */
  policies: ChainPolicyDelta[];
  /** Rules present before and gone after (rewritten by an agent or deleted by hand during the trace). */
  removed: SavedRule[];
}

// Identical rules can repeat in a chain; the n-th copy of a text matches the n-th copy.
function ruleKeys(rules: SavedRule[]): Map<string, SavedRule> {
  const seen = new Map<string, number>();
  const out = new Map<string, SavedRule>();
  for (const rule of rules) {
    const base = `${rule.table}\0${rule.chain}\0${rule.text}`;
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    out.set(`${base}\0${n}`, rule);
  }
  return out;
}

/** The rules that counted packets between two readings of the same namespace. */
export function diffCounters(before: SavedTables, after: SavedTables): CounterDiff {
  const old = ruleKeys(before.rules);
  const now = ruleKeys(after.rules);
  const rules: RuleDelta[] = [];
  for (const [key, rule] of now) {
    const prev = old.get(key);
    if (!prev) {
      if (rule.packets > 0) rules.push({ rule, packets: rule.packets, bytes: rule.bytes, added: true });
      continue;
    }
    if (rule.packets < prev.packets) {
      if (rule.packets > 0) rules.push({ rule, packets: rule.packets, bytes: rule.bytes, reset: true });
    } else if (rule.packets > prev.packets) {
      rules.push({ rule, packets: rule.packets - prev.packets, bytes: rule.bytes - prev.bytes });
    }
  }
  const removed = [...old].filter(([key]) => !now.has(key)).map(([, rule]) => rule);
  const oldChains = new Map(before.chains.map((c) => [`${c.table}\0${c.chain}`, c]));
  const policies: ChainPolicyDelta[] = [];
  for (const chain of after.chains) {
    if (!chain.policy) continue;
    const prev = oldChains.get(`${chain.table}\0${chain.chain}`);
    const packets = chain.packets - (prev?.packets ?? 0);
    if (packets > 0) policies.push({ chain, packets, bytes: chain.bytes - (prev?.bytes ?? 0) });
  }
  return { rules, policies, removed };
}

/** Rule text without counters and without the `# Generated/Completed` lines: what a trace must leave unchanged. */
export function rulesWithoutCounters(text: string): string {
  return text
    .split('\n')
    .filter((l) => !l.startsWith('#'))
    .map((l) => l.replace(COUNTERS, '').replace(/\s\[\d+:\d+\]$/, ''))
    .join('\n');
}

export interface ConntrackTuple {
  src: string;
  dst: string;
  sport?: number;
  dport?: number;
}

export interface ConntrackEntry {
  /** tcp, udp, icmp … */
  protocol: string;
  /** TCP state (SYN_SENT, ESTABLISHED, TIME_WAIT …); absent for other protocols. */
  state?: string;
  /** Seconds left before the entry expires. */
  timeout: number;
  /** The first packet as it arrived. */
  original: ConntrackTuple;
  /** The reply expected: its source is the address the connection was NATed to. */
  reply: ConntrackTuple;
  unreplied: boolean;
  assured: boolean;
  /** The line as conntrack printed it. */
  line: string;
}

/** Parses `conntrack -L` output (IPv4 and IPv6 lines; the summary line on stderr is not part of it). */
export function parseConntrack(text: string): ConntrackEntry[] {
  const out: ConntrackEntry[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('conntrack v')) continue;
    const words = line.split(/\s+/);
    if (words.length < 4 || !/^\d+$/.test(words[1]!) || !/^\d+$/.test(words[2]!)) continue;
    const entry: ConntrackEntry = {
      protocol: words[0]!,
      timeout: Number(words[2]),
      original: { src: '', dst: '' },
      reply: { src: '', dst: '' },
      unreplied: false,
      assured: false,
      line,
    };
    let tuple: ConntrackTuple | undefined;
    let tuples = 0;
    for (const word of words.slice(3)) {
      if (word === '[UNREPLIED]') entry.unreplied = true;
      else if (word === '[ASSURED]') entry.assured = true;
      else if (/^[A-Z_]+$/.test(word) && tuples === 0) entry.state = word;
      const eq = word.indexOf('=');
      if (eq < 0) continue;
      const key = word.slice(0, eq);
      const value = word.slice(eq + 1);
      if (key === 'src') {
        tuples++;
        if (tuples > 2) break;
        tuple = tuples === 1 ? entry.original : entry.reply;
        tuple.src = value;
      } else if (tuple && key === 'dst') tuple.dst = value;
      else if (tuple && key === 'sport') tuple.sport = Number(value);
      else if (tuple && key === 'dport') tuple.dport = Number(value);
    }
    if (entry.original.src && entry.reply.src) out.push(entry);
  }
  return out;
}

function tupleKey(e: ConntrackEntry): string {
  const t = e.original;
  return `${e.protocol} ${t.src}:${t.sport ?? ''} ${t.dst}:${t.dport ?? ''}`;
}

/** Entries that appeared between two readings, or whose state changed (a reused tuple). */
export function diffConntrack(before: ConntrackEntry[], after: ConntrackEntry[]): ConntrackEntry[] {
  const old = new Map(before.map((e) => [tupleKey(e), e]));
  return after.filter((e) => {
    const prev = old.get(tupleKey(e));
    return !prev || prev.state !== e.state || prev.unreplied !== e.unreplied;
  });
}
