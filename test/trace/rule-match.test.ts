import { describe, expect, it } from 'vitest';
import { splitRuleWords } from '../../src/trace/counter-diff.js';
import { parseRuleMatch, ruleMayMatch, type PacketView } from '../../src/trace/rule-match.js';

const rule = (text: string) => parseRuleMatch(splitRuleWords(text));
const syn: PacketView = { src: '10.244.2.3', dst: '10.244.1.3', protocol: 'tcp', sport: 40000, dport: 8080, in: 'eth0', out: 'veth08b8c144' };

describe('parseRuleMatch', () => {
  it('reads addresses, protocol, ports, interfaces and negations as iptables-save prints them', () => {
    expect(rule('! -s 10.244.0.0/16 -d 10.96.0.10/32 -p udp -m udp --dport 53 -j KUBE-MARK-MASQ')).toEqual({
      src: { negated: true, value: '10.244.0.0/16' },
      dst: { negated: false, value: '10.96.0.10/32' },
      protocol: { negated: false, value: 'udp' },
      dport: { negated: false, value: '53' },
    });
    expect(rule('-i veth1 ! -o eth0 -m multiport --dports 80,8000:8100 -j DROP')).toEqual({
      in: { negated: false, value: 'veth1' },
      out: { negated: true, value: 'eth0' },
      dport: { negated: false, value: '80,8000:8100' },
    });
    expect(rule('-p tcp -j DNAT --to-destination 10.244.1.3:8080').toDestination).toBe('10.244.1.3:8080');
  });

  it('ignores what comes after the target and matches it cannot read', () => {
    expect(rule('-m mark ! --mark 0x4000/0x4000 -j RETURN')).toEqual({});
    expect(rule('-m conntrack --ctstate NEW -m comment --comment "-d 1.2.3.4" -j X')).toEqual({});
  });
});

describe('ruleMayMatch', () => {
  it.each([
    ['-A FORWARD -d 10.244.1.3/32 -j DROP', true],
    ['-A FORWARD -d 10.244.1.0/24 -j DROP', true],
    ['-A FORWARD -d 10.244.1.4 -j DROP', false],
    ['-A FORWARD ! -d 10.244.1.3/32 -j DROP', false],
    ['-A FORWARD -s 10.244.2.3/32 -p tcp -m tcp --dport 8080 -j DROP', true],
    ['-A FORWARD -p udp -j DROP', false],
    ['-A FORWARD -p tcp -m tcp --dport 80 -j DROP', false],
    ['-A FORWARD -p tcp -m tcp --dport 8000:9000 -j DROP', true],
    ['-A FORWARD -p tcp -m tcp ! --dport 8080 -j DROP', false],
    ['-A FORWARD -p tcp -m tcp --sport 40000 -j DROP', true],
    ['-A FORWARD -o veth+ -j DROP', true],
    ['-A FORWARD -o vethzzzz -j DROP', false],
    ['-A FORWARD -i veth08b8c144 -j DROP', false],
    ['-A FORWARD -m mark --mark 0x1 -j DROP', true],
    ['-A FORWARD -p all -j DROP', true],
  ])('%s → %s', (text, expected) => {
    expect(ruleMayMatch(rule(text.replace(/^-A \S+ /, '')), syn)).toBe(expected);
  });

  it('cannot rule out on an interface or port it does not know', () => {
    expect(ruleMayMatch(rule('-i veth9 -p tcp -m tcp --sport 1'), { src: '1.1.1.1', dst: '2.2.2.2', protocol: 'tcp' })).toBe(true);
  });
});
