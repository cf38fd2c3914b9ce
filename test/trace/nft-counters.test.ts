import { describe, expect, it } from 'vitest';
import { diffNftCounters, parseNftTable } from '../../src/trace/nft-counters.js';

// As `nft list table ip kube-proxy` prints a lab node's table (counters the lab adds).
const listing = (svc: number, ep: number, reject: number) => `table ip kube-proxy {
	comment "rules for kube-proxy"
	map no-endpoint-services {
		type ipv4_addr . inet_proto . inet_service : verdict
		elements = { 10.96.5.5 . tcp . 80 comment "shop/nobody:http" : goto reject-chain }
	}

	chain endpoint-5OJB2KTY-shop/web/tcp/http__10.244.1.5/8080 {
		ip saddr 10.244.1.5 counter packets 0 bytes 0 jump mark-for-masquerade
		meta l4proto tcp counter packets ${ep} bytes ${ep * 60} dnat to 10.244.1.5:8080
	}

	chain nat-prerouting {
		type nat hook prerouting priority dstnat; policy accept;
		counter packets ${svc} bytes 0 jump services
	}

	chain reject-chain {
		comment "helper for @no-endpoint-services / @no-endpoint-nodeports"
		counter packets ${reject} bytes 0 reject
	}

	chain service-ULMVA6XW-shop/web/tcp/http {
		ip daddr 10.96.1.1 tcp dport 80 ip saddr != 10.244.0.0/16 counter packets 0 bytes 0 jump mark-for-masquerade
		counter packets ${svc} bytes 0 numgen random mod 1 vmap { 0 : goto endpoint-5OJB2KTY-shop/web/tcp/http__10.244.1.5/8080 }
	}

	chain external-X-shop/web/tcp/http {
		fib saddr type local counter packets 0 bytes 0 goto service-ULMVA6XW-shop/web/tcp/http comment "short-circuit local traffic"
	}
}
`;

describe('nft kube-proxy counters', () => {
  const rules = parseNftTable(listing(1, 1, 0));

  it('reads each rule with its chain, position, counter and action', () => {
    const dnat = rules.find((r) => r.dnatTo);
    expect(dnat).toEqual({
      chain: 'endpoint-5OJB2KTY-shop/web/tcp/http__10.244.1.5/8080',
      position: 2,
      packets: 1,
      text: 'meta l4proto tcp dnat to 10.244.1.5:8080',
      dnatTo: '10.244.1.5:8080',
    });
    expect(rules.find((r) => r.chain === 'reject-chain')).toMatchObject({ position: 1, target: 'reject' });
    expect(rules.find((r) => r.chain === 'nat-prerouting')).toMatchObject({ position: 1, target: 'services' });
    expect(rules.find((r) => r.chain.startsWith('external-'))).toMatchObject({
      target: 'service-ULMVA6XW-shop/web/tcp/http',
      comment: 'short-circuit local traffic',
    });
    // A vmap has no single target; map elements are no rules.
    expect(rules.find((r) => r.text.includes('numgen'))?.target).toBeUndefined();
    expect(rules.some((r) => r.text.includes('elements'))).toBe(false);
  });

  it('names the rules whose counters grew while a probe ran', () => {
    const grown = diffNftCounters(rules, parseNftTable(listing(3, 3, 0)));
    expect(grown.map((d) => [d.rule.chain, d.packets])).toEqual([
      ['endpoint-5OJB2KTY-shop/web/tcp/http__10.244.1.5/8080', 2],
      ['nat-prerouting', 2],
      ['service-ULMVA6XW-shop/web/tcp/http', 2],
    ]);
    expect(diffNftCounters(rules, parseNftTable(listing(1, 1, 1))).map((d) => d.rule.chain)).toEqual(['reject-chain']);
  });

  it('counts a rule rewritten in between from zero', () => {
    const rewritten = parseNftTable(listing(5, 5, 0).replace('10.244.1.5:8080', '10.244.1.9:8080'));
    const grown = diffNftCounters(parseNftTable(listing(9, 9, 0)), rewritten);
    expect(grown.find((d) => d.rule.dnatTo)).toMatchObject({ packets: 5 });
  });
});
