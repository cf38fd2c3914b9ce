// Could this rule have matched this packet? Answered from the rule's text alone
// (addresses, protocol, ports, interfaces). A counter that grew during a trace
// may have been bumped by other traffic in the lab (another pod's DNS, a
// learner's curl); a rule whose text excludes the traced flow is set aside.
// Matches the text cannot judge (marks, conntrack state, statistic …) are
// assumed to match, so this only ever rules out, never rules in.
import { cidrContains, parseIPv4CidrStrict, parseIPv4Strict } from '../k8s/ipv4.js';

export interface PacketView {
  src: string;
  dst: string;
  /** tcp or udp. */
  protocol: string;
  sport?: number;
  dport?: number;
  /** Interface the packet came in on, in this namespace. */
  in?: string;
  /** Interface it leaves by, in this namespace. */
  out?: string;
}

interface Test {
  negated: boolean;
  value: string;
}

export interface RuleMatch {
  src?: Test;
  dst?: Test;
  protocol?: Test;
  sport?: Test;
  dport?: Test;
  in?: Test;
  out?: Test;
  /** `--to-destination` of a DNAT rule. */
  toDestination?: string;
}

const FLAGS: Record<string, keyof Omit<RuleMatch, 'toDestination'>> = {
  '-s': 'src',
  '--source': 'src',
  '-d': 'dst',
  '--destination': 'dst',
  '-p': 'protocol',
  '--protocol': 'protocol',
  '--sport': 'sport',
  '--source-port': 'sport',
  '--sports': 'sport',
  '--dport': 'dport',
  '--destination-port': 'dport',
  '--dports': 'dport',
  '-i': 'in',
  '--in-interface': 'in',
  '-o': 'out',
  '--out-interface': 'out',
};

/** The tests of a rule's words (as iptables-save prints them: `! -s 10.0.0.0/8`, `-m tcp ! --dport 53`). */
export function parseRuleMatch(args: string[]): RuleMatch {
  const match: RuleMatch = {};
  for (let i = 0; i < args.length; i++) {
    let word = args[i]!;
    let negated = false;
    if (word === '!') {
      negated = true;
      word = args[++i] ?? '';
    }
    if (word === '-j' || word === '-g') break;
    if (word === '--comment') {
      i++;
      continue;
    }
    const key = FLAGS[word];
    const value = args[i + 1];
    if (key && value !== undefined && !value.startsWith('-')) {
      // Old iptables wrote `-s ! 10.0.0.0/8`.
      if (value === '!') {
        match[key] = { negated: true, value: args[i + 2] ?? '' };
        i += 2;
      } else {
        match[key] = { negated, value };
        i++;
      }
    }
  }
  const to = args.indexOf('--to-destination');
  if (to >= 0 && args[to + 1]) match.toDestination = args[to + 1];
  return match;
}

function addressIn(test: string, ip: string): boolean {
  const addr = parseIPv4Strict(ip);
  if (addr === undefined) return true;
  const cidr = parseIPv4CidrStrict(test.includes('/') ? test : `${test}/32`);
  return cidr === undefined ? true : cidrContains(cidr, addr);
}

function portIn(test: string, port: number): boolean {
  return test.split(',').some((part) => {
    const [lo, hi] = part.split(':');
    const low = lo === '' ? 0 : Number(lo);
    const high = hi === undefined ? low : hi === '' ? 65535 : Number(hi);
    return port >= low && port <= high;
  });
}

function interfaceIs(test: string, name: string): boolean {
  return test.endsWith('+') ? name.startsWith(test.slice(0, -1)) : name === test;
}

function check(test: Test | undefined, known: boolean, holds: () => boolean): boolean {
  if (!test || !known) return true;
  return holds() !== test.negated;
}

/** False only when the rule's text excludes the packet. */
export function ruleMayMatch(match: RuleMatch, packet: PacketView): boolean {
  return (
    check(match.src, true, () => addressIn(match.src!.value, packet.src)) &&
    check(match.dst, true, () => addressIn(match.dst!.value, packet.dst)) &&
    check(match.protocol, true, () => match.protocol!.value.toLowerCase() === packet.protocol || match.protocol!.value === 'all') &&
    check(match.sport, packet.sport !== undefined, () => portIn(match.sport!.value, packet.sport!)) &&
    check(match.dport, packet.dport !== undefined, () => portIn(match.dport!.value, packet.dport!)) &&
    check(match.in, packet.in !== undefined, () => interfaceIs(match.in!.value, packet.in!)) &&
    check(match.out, packet.out !== undefined, () => interfaceIs(match.out!.value, packet.out!))
  );
}
