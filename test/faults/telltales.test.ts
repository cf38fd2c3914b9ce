// What each step kind says it writes: the words a story must not contain.
import { describe, expect, it } from 'vitest';
import { applyStep } from '../../src/faults/apply.js';
import { deleteStep } from '../../src/faults/delete.js';
import { nodeExecStep } from '../../src/faults/node-exec.js';
import { patchStep } from '../../src/faults/patch.js';
import { restartStep } from '../../src/faults/restart.js';
import { scaleStep } from '../../src/faults/scale.js';
import { changedWords, type TelltaleContext } from '../../src/faults/telltales.js';
import type { KubeObject } from '../../src/k8s/objects.js';
import { networkPolicy, service } from '../helpers/fake-lab.js';

function context(setup: KubeObject[], manifests: Record<string, KubeObject[]> = {}): TelltaleContext {
  const values = new Set<string>();
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') Object.values(v).forEach(walk);
    else if (v !== null && v !== undefined) values.add(String(v));
  };
  walk(setup);
  return {
    manifests: new Map(Object.entries(manifests)),
    before: (ref) => setup.find((o) => o.kind === ref.kind && o.metadata.namespace === ref.namespace && o.metadata.name === ref.name),
    setupValues: values,
  };
}

describe('changedWords', () => {
  it('names the changed leaf, its telling keys and its new value, not what stayed', () => {
    const before = { spec: { ports: [{ name: 'http', port: 8080, targetPort: 'http', protocol: 'TCP' }] } };
    const after = { spec: { ports: [{ name: 'http', port: 8080, targetPort: 80, protocol: 'TCP' }] } };
    expect(changedWords(after, before)).toEqual(['targetPort', '80']);
  });

  it('takes the new tokens of a multi-line value, not the whole file', () => {
    const before = { Corefile: '.:53 {\n  kubernetes cluster.local in-addr.arpa {\n  }\n}\n' };
    const after = { Corefile: '.:53 {\n  kubernetes cluster.lcoal in-addr.arpa {\n  }\n}\n' };
    expect(changedWords(after, before)).toEqual(['cluster.lcoal']);
  });

  it('names a removed field (null in a merge patch) by its key', () => {
    expect(changedWords({ spec: { selector: { 'k8s-app': null, app: 'dns' } } }, { spec: { selector: { 'k8s-app': 'kube-dns' } } })).toEqual([
      'selector',
      'selector',
      'dns',
    ]);
  });
});

describe('each step kind', () => {
  it('patch: what the merge changes on the object as the setup has it', () => {
    const svc = service('shop', 'api');
    (svc.spec as { selector: Record<string, string> }).selector = { app: 'api' };
    const words = patchStep.telltales({ object: 'Service/shop/api', merge: { spec: { selector: { app: 'api-v2' } } } }, context([svc]));
    expect(words).toEqual(['selector', 'api-v2']);
  });

  it('apply: the spec of what it applies, less the values the setup already shows', () => {
    const policy = networkPolicy('shop', 'allow-frontend');
    policy.spec = { podSelector: { matchLabels: { app: 'api' } }, ingress: [{ from: [{ podSelector: { matchLabels: { app: 'fronted' } } }] }] };
    const app = service('shop', 'api');
    app.metadata.labels = { app: 'api' };
    const words = applyStep.telltales('manifests/policy.yaml', context([app], { 'manifests/policy.yaml': [policy] }));
    expect(words).toContain('fronted');
    expect(words).toContain('podSelector');
    expect(words).not.toContain('api');
    expect(words).not.toContain('allow-frontend');
  });

  it('nodeExec: chains, targets, addresses and the comment, not the tool or its flags', () => {
    const words = nodeExecStep.telltales({
      node: 'worker',
      run: ['iptables', '-I', 'FORWARD', '-d', '10.244.2.0/24', '-p', 'tcp', '--dport', '8080', '-m', 'comment', '--comment', 'INC-4711 temp', '-j', 'DROP'],
    });
    expect(words).toEqual(['FORWARD', '10.244.2.0/24', '8080', 'INC-4711 temp', 'DROP']);
    expect(nodeExecStep.telltales({ node: 'worker', run: ['ip', 'link', 'set', 'eth0', 'mtu', '1400'] })).toEqual(['mtu', '1400']);
  });

  it('scale names replicas; delete and restart write nothing', () => {
    expect(scaleStep.telltales()).toEqual(['replicas']);
    expect(deleteStep.telltales()).toEqual([]);
    expect(restartStep.telltales()).toEqual([]);
  });
});
