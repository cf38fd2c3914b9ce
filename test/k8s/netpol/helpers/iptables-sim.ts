// A tiny iptables interpreter for exactly the syntax netpolRestore emits, so the
// compiled rules can be checked against the reference evaluator for thousands of
// flows without root. Any syntax it does not know throws, so the compiler cannot
// start emitting something the simulation silently ignores.
import { cidrContains, parseIPv4CidrStrict, parseIPv4Strict } from '../../../../src/k8s/ipv4.js';

export interface SimRule {
  chain: string;
  index: number;
  words: string[];
  comment: string;
}

export interface SimTable {
  chains: Map<string, SimRule[]>;
  deleted: string[];
}

export interface SimPacket {
  in: string;
  out: string;
  src: string;
  dst: string;
  protocol: 'tcp' | 'udp' | 'sctp';
  dport: number;
  state: 'NEW' | 'ESTABLISHED';
}

export interface SimResult {
  verdict: 'ACCEPT' | 'DROP' | 'CONTINUE';
  /** Every rule whose match succeeded, in order. */
  hits: SimRule[];
  mark: number;
}

export function tokenize(line: string): string[] {
  const words: string[] = [];
  const re = /"([^"]*)"|(\S+)/g;
  for (let m = re.exec(line); m; m = re.exec(line)) words.push(m[1] ?? m[2]!);
  return words;
}

export function parseRestore(text: string): SimTable {
  const lines = text.split('\n');
  if (lines[0] !== '*filter') throw new Error('expected *filter first');
  const chains = new Map<string, SimRule[]>();
  const deleted: string[] = [];
  let committed = false;
  for (const line of lines.slice(1)) {
    if (line === '') continue;
    if (committed) throw new Error(`text after COMMIT: ${line}`);
    if (line === 'COMMIT') committed = true;
    else if (line.startsWith(':')) {
      const [name, policy, counters] = line.slice(1).split(' ');
      if (policy !== '-' || counters !== '[0:0]') throw new Error(`bad chain line ${line}`);
      chains.set(name!, []);
    } else if (line.startsWith('-X ')) {
      const name = line.slice(3);
      if (!chains.has(name)) throw new Error(`-X of undeclared chain ${name}`);
      if ([...chains.values()].flat().some((r) => target(r.words)[1] === name)) throw new Error(`-X of referenced chain ${name}`);
      chains.delete(name);
      deleted.push(name);
    } else if (line.startsWith('-A ')) {
      const words = tokenize(line);
      const chain = words[1]!;
      const rules = chains.get(chain);
      if (!rules) throw new Error(`-A to undeclared chain ${chain}`);
      const c = words.indexOf('--comment');
      rules.push({ chain, index: rules.length, words: words.slice(2), comment: c >= 0 ? words[c + 1]! : '' });
    } else throw new Error(`unexpected line ${line}`);
  }
  if (!committed) throw new Error('no COMMIT');
  return { chains, deleted };
}

function target(words: string[]): string[] {
  const j = words.indexOf('-j');
  return words.slice(j);
}

function inCidr(text: string, ip: string): boolean {
  const c = parseIPv4CidrStrict(text);
  const a = parseIPv4Strict(ip);
  if (!c || a === undefined) throw new Error(`bad address ${text} / ${ip}`);
  return cidrContains(c, a);
}

function matches(words: string[], p: SimPacket, mark: number): boolean {
  let ok = true;
  for (let i = 0; i < words.length && words[i] !== '-j'; i++) {
    const w = words[i]!;
    const next = words[i + 1]!;
    switch (w) {
      case '-i':
        ok &&= p.in === next;
        i++;
        break;
      case '-o':
        ok &&= p.out === next;
        i++;
        break;
      case '-s':
        ok &&= inCidr(next, p.src);
        i++;
        break;
      case '-d':
        ok &&= inCidr(next, p.dst);
        i++;
        break;
      case '-p':
        ok &&= p.protocol === next;
        i++;
        break;
      case '-m':
        if (!['comment', 'conntrack', 'mark', 'tcp', 'udp', 'sctp'].includes(next)) throw new Error(`unknown match ${next}`);
        if (['tcp', 'udp', 'sctp'].includes(next) && words[words.indexOf('-p') + 1] !== next) throw new Error(`-m ${next} without -p ${next}`);
        i++;
        break;
      case '--comment':
        i++;
        break;
      case '--ctstate':
        ok &&= next.split(',').includes(p.state);
        i++;
        break;
      case '--dport': {
        const [lo, hi] = next.split(':').map(Number);
        ok &&= p.dport >= lo! && p.dport <= (hi ?? lo!);
        i++;
        break;
      }
      case '!': {
        if (words[i + 1] !== '--mark') throw new Error('! only supported before --mark');
        const [v, m] = words[i + 2]!.split('/').map((x) => Number.parseInt(x, 16));
        ok &&= (mark & m!) !== v;
        i += 2;
        break;
      }
      case '--mark': {
        const [v, m] = next.split('/').map((x) => Number.parseInt(x, 16));
        ok &&= (mark & m!) === v;
        i++;
        break;
      }
      default:
        throw new Error(`unknown word ${w} in ${words.join(' ')}`);
    }
  }
  return ok;
}

/** Runs `chain` as if FORWARD jumped to it. */
export function simulate(table: SimTable, chain: string, p: SimPacket): SimResult {
  const hits: SimRule[] = [];
  let mark = 0;
  const run = (name: string, depth: number): 'ACCEPT' | 'DROP' | 'RETURN' => {
    if (depth > 10) throw new Error('jump loop');
    const rules = table.chains.get(name);
    if (!rules) throw new Error(`jump to missing chain ${name}`);
    for (const rule of rules) {
      if (!matches(rule.words, p, mark)) continue;
      hits.push(rule);
      const [, t, ...rest] = target(rule.words);
      if (t === 'ACCEPT' || t === 'DROP') return t;
      if (t === 'RETURN') return 'RETURN';
      if (t === 'MARK') {
        if (rest[0] !== '--set-xmark' || rest.length !== 2) throw new Error(`bad MARK ${rest.join(' ')}`);
        const [v, m] = rest[1]!.split('/').map((x) => Number.parseInt(x, 16));
        mark = (mark & ~m!) ^ v!;
        continue;
      }
      if (!t?.startsWith('NETPOL-')) throw new Error(`unexpected target ${t}`);
      const r = run(t, depth + 1);
      if (r !== 'RETURN') return r;
    }
    return 'RETURN';
  };
  const r = run(chain, 0);
  return { verdict: r === 'RETURN' ? 'CONTINUE' : r, hits, mark };
}
