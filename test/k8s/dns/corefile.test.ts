import { describe, expect, it } from 'vitest';
import { KUBEADM_DEFAULT_COREFILE } from '../../../src/k8s/dns/kubeadm-corefile.js';
import { CorefileError, inExecutionOrder, parseCorefile, parseGoDuration, pluginOf, type PluginConfig } from '../../../src/k8s/dns/corefile.js';

function parseError(text: string): CorefileError {
  try {
    parseCorefile(text);
  } catch (error) {
    expect(error).toBeInstanceOf(CorefileError);
    return error as CorefileError;
  }
  throw new Error('expected the Corefile to be rejected');
}

describe('parseCorefile', () => {
  it("parses kubeadm's default Corefile", () => {
    const cf = parseCorefile(KUBEADM_DEFAULT_COREFILE);
    expect(cf.servers).toHaveLength(1);
    const block = cf.servers[0]!;
    expect(block.keys).toEqual([{ raw: '.:53', zone: '.', port: 53 }]);
    expect(block.plugins.map((p) => p.name)).toEqual([
      'errors',
      'health',
      'ready',
      'kubernetes',
      'prometheus',
      'forward',
      'cache',
      'loop',
      'reload',
      'loadbalance',
    ]);
    expect(pluginOf(block, 'health')).toMatchObject({ addr: ':8080', lameduckMs: 5000 });
    expect(pluginOf(block, 'ready')).toMatchObject({ addr: ':8181' });
    expect(pluginOf(block, 'kubernetes')).toMatchObject({
      zones: ['cluster.local.', 'in-addr.arpa.', 'ip6.arpa.'],
      pods: 'insecure',
      fallthrough: { zones: ['in-addr.arpa.', 'ip6.arpa.'] },
      ttl: 30,
    });
    expect(pluginOf(block, 'prometheus')).toMatchObject({ addr: ':9153' });
    expect(pluginOf(block, 'forward')).toMatchObject({
      from: '.',
      to: [{ kind: 'file', path: '/etc/resolv.conf' }],
      maxConcurrent: 1000,
      policy: 'random',
    });
    expect(pluginOf(block, 'cache')).toMatchObject({ zones: ['.'], success: { maxTtl: 30 }, denial: { maxTtl: 30 } });
    expect(pluginOf(block, 'reload')).toMatchObject({ intervalMs: 30_000, jitterMs: 15_000 });
  });

  it('runs plugins in plugin.cfg order, not Corefile order', () => {
    const block = parseCorefile(KUBEADM_DEFAULT_COREFILE).servers[0]!;
    expect(inExecutionOrder(block.plugins).map((p) => p.name)).toEqual([
      'reload',
      'ready',
      'health',
      'prometheus',
      'errors',
      'loadbalance',
      'cache',
      'kubernetes',
      'loop',
      'forward',
    ]);
  });

  it('reports an unknown plugin with its line', () => {
    const text = KUBEADM_DEFAULT_COREFILE.replace('kubernetes cluster.local', 'kubernets cluster.local');
    const e = parseError(text);
    expect(e.message).toBe("Corefile:7: Unknown directive 'kubernets'");
    expect(e.line).toBe(7);
  });

  it.each<[string, string, number, string]>([
    ['a typo in a kubernetes option', KUBEADM_DEFAULT_COREFILE.replace('pods insecure', 'pod insecure'), 8, 'unknown property "pod"'],
    ['a bad pods mode', KUBEADM_DEFAULT_COREFILE.replace('pods insecure', 'pods secure'), 8, 'wrong value for pods: secure'],
    ['a ttl out of range', KUBEADM_DEFAULT_COREFILE.replace('ttl 30', 'ttl 9000'), 10, 'ttl must be an integer in range [0, 3600]: 9000'],
    ['a bad duration', KUBEADM_DEFAULT_COREFILE.replace('lameduck 5s', 'lameduck 5 seconds'), 4, 'wrong argument count'],
    [
      'a bad forward target',
      KUBEADM_DEFAULT_COREFILE.replace('forward . /etc/resolv.conf', 'forward . eight.eight'),
      13,
      'not an IP address or file: "eight.eight"',
    ],
    ['a bad forward option', KUBEADM_DEFAULT_COREFILE.replace('max_concurrent 1000', 'max_concurent 1000'), 14, 'unknown property "max_concurent"'],
    ['a negative cache ttl', KUBEADM_DEFAULT_COREFILE.replace('cache 30', 'cache -1'), 16, 'cache TTL can not be zero or negative'],
    ['a duplicated plugin', KUBEADM_DEFAULT_COREFILE.replace('    loop\n', '    cache 10\n'), 17, 'only be used once'],
  ])('rejects %s', (_what, text, line, detail) => {
    const e = parseError(text);
    expect(e.line).toBe(line);
    expect(e.detail).toContain(detail);
  });

  it('names the plugin in the CoreDNS-style line', () => {
    const e = parseError(KUBEADM_DEFAULT_COREFILE.replace('pods insecure', 'pods secure'));
    expect(e.plugin).toBe('kubernetes');
    expect(e.coreDnsLine()).toMatch(/^plugin\/kubernetes: Corefile:8 - Error during parsing: wrong value for pods/);
  });

  it('parses comments, quoted strings, several blocks and nested options', () => {
    const cf = parseCorefile(`# cluster DNS
cluster.local:1053 example.org {  # two keys
    hosts {
        10.0.0.1 "db.example.org" # inline entry
        fallthrough
    }
    rewrite stop {
        name regex (.*)\\.corp\\.example\\. {1}.shop.svc.cluster.local.
        answer name (.*)\\.shop\\.svc\\.cluster\\.local\\. {1}.corp.example.
    }
    template IN A example.org {
        match "^(?P<host>[a-z]+)\\.example\\.org\\.$"
        answer "{{ .Name }} 60 IN A 192.0.2.10"
    }
    log . "{remote} {name}"
}
.:5353 {
    forward . 127.0.0.1:5300 dns://[::1]:53
}
`);
    expect(cf.servers).toHaveLength(2);
    expect(cf.servers[0]!.keys).toEqual([
      { raw: 'cluster.local:1053', zone: 'cluster.local.', port: 1053 },
      { raw: 'example.org', zone: 'example.org.', port: 53 },
    ]);
    const hosts = pluginOf(cf.servers[0]!, 'hosts')!;
    expect(hosts.inline).toEqual([{ ip: '10.0.0.1', names: ['db.example.org.'] }]);
    expect(hosts.fallthrough).toEqual({ zones: [] });
    expect(hosts.zones).toEqual(['cluster.local.', 'example.org.']);
    const rewrite = pluginOf(cf.servers[0]!, 'rewrite')!;
    expect(rewrite.rules).toEqual([
      {
        field: 'name',
        mode: 'stop',
        match: 'regex',
        from: '(.*)\\.corp\\.example\\.',
        to: '{1}.shop.svc.cluster.local.',
        answer: { kind: 'name', from: '(.*)\\.shop\\.svc\\.cluster\\.local\\.', to: '{1}.corp.example.' },
      },
    ]);
    expect(pluginOf(cf.servers[0]!, 'template')).toMatchObject({
      qclass: 'IN',
      qtype: 'A',
      zones: ['example.org.'],
      answer: ['{{ .Name }} 60 IN A 192.0.2.10'],
    });
    expect(pluginOf(cf.servers[0]!, 'log')).toMatchObject({ names: ['.'], format: '{remote} {name}', classes: ['all'] });
    expect(pluginOf(cf.servers[1]!, 'forward')!.to).toEqual([
      { kind: 'address', raw: '127.0.0.1:5300', host: '127.0.0.1', port: 5300 },
      { kind: 'address', raw: 'dns://[::1]:53', host: '::1', port: 53 },
    ]);
  });

  it('parses the rewrite forms', () => {
    const rules = (line: string) => pluginOf(parseCorefile(`. {\n  ${line}\n}`).servers[0]!, 'rewrite')!.rules;
    expect(rules('rewrite name foo.example.com api.shop.svc.cluster.local')).toEqual([
      { field: 'name', mode: 'stop', match: 'exact', from: 'foo.example.com.', to: 'api.shop.svc.cluster.local.', answer: { kind: 'auto' } },
    ]);
    expect(rules('rewrite continue name suffix .corp. .svc.cluster.local.')[0]).toMatchObject({ mode: 'continue', match: 'suffix' });
    expect(rules('rewrite stop name prefix old- new-')[0]).toMatchObject({ match: 'prefix', from: 'old-', to: 'new-' });
    expect(rules('rewrite type ANY HINFO')[0]).toEqual({ field: 'type', mode: 'stop', from: 'ANY', to: 'HINFO' });
    expect(rules('rewrite ttl regex (.*)\\.example\\. 15')[0]).toMatchObject({ field: 'ttl', minTtl: 15, maxTtl: 15 });
    expect(() => rules('rewrite nmae a b')).toThrow('Corefile:2: invalid rule type "nmae"');
    expect(() => rules('rewrite name regex ([a-z b')).toThrow(/invalid regex/);
  });

  it.each<[string, number, string]>([
    ['.:53 {\n  errors\n', 1, 'never closed'],
    ['.:53 {\n  errors }\n}\n', 2, 'must be on a line of its own'],
    ['.:53 {\n  health { lameduck 5s }\n}\n', 2, '"{" must end its line'],
    ['.:53 {\n  errors\n}\n}\n', 4, 'no matching opening brace'],
    ['.:53 {\n  forward . "8.8.8.8\n}\n', 2, 'unterminated quoted string'],
    ['.:53x {\n  errors\n}\n', 1, 'invalid port'],
    ['tls://.:853 {\n  errors\n}\n', 1, 'not supported'],
    ['.:53 {\n  errors\n}\n.:53 {\n  log\n}\n', 4, 'already defined'],
    ['.:53 {\n  import common\n}\n', 2, 'import'],
    ['.:53 {\n  autopath @kubernetes\n}\n', 2, 'does not run it'],
    ['.:53 {\n  reload 1s\n}\n', 2, 'greater or equal to 2s'],
    ['.:53 {\n  log {\n    class everything\n  }\n}\n', 3, 'invalid class'],
  ])('rejects broken syntax %#', (text, line, detail) => {
    const e = parseError(text);
    expect(e.line).toBe(line);
    expect(e.message).toContain(detail);
  });

  it('defaults the kubernetes plugin to CoreDNS defaults and the block zones', () => {
    const k = pluginOf(parseCorefile('cluster.local:53 {\n  kubernetes\n}\n').servers[0]!, 'kubernetes')!;
    expect(k).toMatchObject({ zones: ['cluster.local.'], pods: 'disabled', ttl: 5, namespaces: [], endpointPodNames: false });
    expect(k.fallthrough).toBeUndefined();
  });

  it('turns CIDR zones into reverse zones', () => {
    const k = pluginOf(parseCorefile('. {\n  kubernetes cluster.local 10.96.0.0/16 10.0.0.0/15\n}').servers[0]!, 'kubernetes')!;
    expect(k.zones).toEqual(['cluster.local.', '96.10.in-addr.arpa.', '0.10.in-addr.arpa.', '1.10.in-addr.arpa.']);
  });

  it('accepts a single server block without braces', () => {
    const cf = parseCorefile('.:1053\nerrors\nloop\n');
    expect(cf.servers[0]!.plugins.map((p: PluginConfig) => p.name)).toEqual(['errors', 'loop']);
  });
});

describe('parseGoDuration', () => {
  it.each<[string, number | undefined]>([
    ['5s', 5000],
    ['500ms', 500],
    ['1m30s', 90_000],
    ['1.5h', 5_400_000],
    ['0', 0],
    ['5', undefined],
    ['5 s', undefined],
    ['', undefined],
  ])('%s', (text, ms) => {
    expect(parseGoDuration(text)).toBe(ms);
  });
});
