// Seeded variants through the loader: a small scenario with params, loaded with
// seeds, broken in the ways an author breaks one. The library's own variants are
// checked in test/scenarios/variants.test.ts.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ScenarioError, displayPath } from '../../src/scenario/errors.js';
import { DEFAULT_TOPOLOGY } from '../../src/lab/netns/backend.js';
import { loadTopology } from '../../src/lab/netns/topology.js';
import { BUILTIN_OBJECTS, findScenario, listScenarios, loadScenario } from '../../src/scenario/loader.js';
import { drawParams, paramsText } from '../../src/scenario/params.js';
import { validateScenario, validateTarget } from '../../src/scenario/validate.js';

const SCENARIO = `id: shop-variant
title: A small scenario with variants
difficulty: beginner
layers: [networkpolicy]
backends: [netns]
params:
  namespace: {choose: [shop, store, market]}
  port: {choose: [8080, 9090]}
  policy: {choose: [deny-all, zero-trust]}
story: |
  The {{ params.namespace }} team applied {{ params.policy }}.
symptom: {from: "{{ params.namespace }}/frontend", to: "http://api.{{ params.namespace }}.svc.cluster.local:{{ params.port }}/"}
setup: [manifests/app.yaml]
fault:
  - apply: manifests/deny.yaml
diagnosis:
  layer: networkpolicy
  object: "NetworkPolicy/{{ params.namespace }}/{{ params.policy }}"
  cause: deny
  causes:
    deny: The policy {{ params.policy }} denies everything
    dns: The policy {{ params.policy }} blocks DNS
    port: The api does not listen on {{ params.port }}
    endpoints: The Service has no endpoints
    route: The node has no route to the api on {{ params.port }}
    mtu: The path MTU under {{ params.policy }} is too small
  evidence: {question: Which direction of traffic does the policy isolate?, answer: Ingress, reveal: "netbreak get netpol -n {{ params.namespace }} -o yaml"}
hints:
  - Look at netbreak get netpol -n {{ params.namespace }}
  - Timeouts mean drops.
  - {text: "Allow port {{ params.port }}.", cost: 20}
verify:
  - probe: {from: "{{ params.namespace }}/frontend", to: "http://api.{{ params.namespace }}.svc.cluster.local:{{ params.port }}/"}
guards:
  - exists: "NetworkPolicy/{{ params.namespace }}/{{ params.policy }}"
fix:
  - delete: "NetworkPolicy/{{ params.namespace }}/{{ params.policy }}"
debrief: |
  {{ params.policy }} in {{ params.namespace }} dropped the SYNs to port {{ params.port }}.
task: Make the frontend reach the api again; no NetworkPolicy in {{ params.namespace }} may be deleted.
`;

const APP = `apiVersion: v1
kind: Namespace
metadata:
  name: "{{ params.namespace }}"
---
apiVersion: v1
kind: Pod
metadata:
  name: frontend
  namespace: "{{ params.namespace }}"
  labels: {app: frontend}
spec:
  containers:
    - name: frontend
      image: registry.k8s.io/e2e-test-images/agnhost:2.53
---
apiVersion: v1
kind: Service
metadata:
  name: api
  namespace: "{{ params.namespace }}"
spec:
  selector: {app: api}
  ports:
    - {name: http, port: "{{ params.port }}", targetPort: "{{ params.port }}", protocol: TCP}
`;

const DENY = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: "{{ params.policy }}"
  namespace: "{{ params.namespace }}"
spec:
  podSelector: {}
  policyTypes: [Ingress]
`;

let root: string;
let dir: string;
const file = () => displayPath(path.join(dir, 'scenario.yaml'));
const manifest = (name: string) => displayPath(path.join(dir, 'manifests', name));

async function write(files: { scenario?: string; app?: string; deny?: string }): Promise<void> {
  await writeFile(path.join(dir, 'scenario.yaml'), files.scenario ?? SCENARIO);
  await writeFile(path.join(dir, 'manifests', 'app.yaml'), files.app ?? APP);
  await writeFile(path.join(dir, 'manifests', 'deny.yaml'), files.deny ?? DENY);
}

async function errorOf(promise: Promise<unknown>): Promise<ScenarioError> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(ScenarioError);
    return err as ScenarioError;
  }
  throw new Error('expected a ScenarioError, but it loaded');
}

/** Replaces exactly one occurrence. */
function once(text: string, from: string, to: string): string {
  expect(text.split(from)).toHaveLength(2);
  return text.replace(from, to);
}

beforeEach(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'netbreak-variants-'));
  dir = path.join(root, 'shop-variant');
  await mkdir(path.join(dir, 'manifests'), { recursive: true });
  await write({});
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('loadScenario with a seed', () => {
  it('fills in every field and manifest with the variant the seed picks', async () => {
    const seed = 11;
    const expected = drawParams(
      { namespace: { choose: ['shop', 'store', 'market'] }, port: { choose: [8080, 9090] }, policy: { choose: ['deny-all', 'zero-trust'] } },
      seed,
    );
    const { namespace, port, policy } = expected;
    const loaded = await loadScenario(dir, { seed });
    expect(loaded.seed).toBe(seed);
    expect(loaded.params).toEqual(expected);
    const s = loaded.scenario;
    expect(s.story).toBe(`The ${namespace} team applied ${policy}.\n`);
    expect(s.symptom).toEqual({ from: `${namespace}/frontend`, to: `http://api.${namespace}.svc.cluster.local:${port}/`, expect: 'failure' });
    expect(s.diagnosis.object).toBe(`NetworkPolicy/${namespace}/${policy}`);
    expect(s.diagnosis.causes.deny).toBe(`The policy ${policy} denies everything`);
    expect(s.hints).toEqual([`Look at netbreak get netpol -n ${namespace}`, 'Timeouts mean drops.', { text: `Allow port ${port}.`, cost: 20 }]);
    expect(s.fix).toEqual([{ delete: `NetworkPolicy/${namespace}/${policy}` }]);
    expect(s.debrief).toBe(`${policy} in ${namespace} dropped the SYNs to port ${port}.\n`);
    const svc = loaded.manifests.get('manifests/app.yaml')!.find((o) => o.kind === 'Service')!;
    expect(svc.metadata.namespace).toBe(namespace);
    expect((svc.spec as { ports: { port: unknown }[] }).ports[0]!.port).toBe(port);
    expect(loaded.manifests.get('manifests/deny.yaml')![0]!.metadata).toEqual({ name: policy, namespace });
    // The params section itself is kept as written.
    expect(s.params?.port?.choose).toEqual([8080, 9090]);
  });

  it('gives the same variant for the same seed and different ones across seeds', async () => {
    const a = await loadScenario(dir, { seed: 5 });
    const b = await loadScenario(dir, { seed: 5 });
    expect(b.params).toEqual(a.params);
    expect(b.scenario).toEqual(a.scenario);
    const variants = new Set<string>();
    for (let seed = 1; seed <= 100; seed++) variants.add(paramsText((await loadScenario(dir, { seed })).params));
    expect(variants.size).toBe(12);
  });

  it('without a seed, and with seed 0, loads the reference variant (the first choices)', async () => {
    const plain = await loadScenario(dir);
    expect(plain.seed).toBeUndefined();
    expect(plain.params).toEqual({ namespace: 'shop', port: 8080, policy: 'deny-all' });
    expect((await loadScenario(dir, { seed: 0 })).scenario).toEqual(plain.scenario);
  });

  it('findScenario and listScenarios pass the seed on', async () => {
    const found = await findScenario(root, 'shop-variant', { seed: 3 });
    expect(found.params).toEqual(drawParams(found.scenario.params, 3));
    const listing = await listScenarios(root, { seed: 3 });
    expect(listing.scenarios[0]!.params).toEqual(found.params);
  });

  it('loads a scenario without params and rejects its placeholders', async () => {
    const plain = SCENARIO.replace(/^params:\n( {2}.*\n)+/m, '');
    await write({ scenario: plain });
    const err = await errorOf(loadScenario(dir, { seed: 4 }));
    expect(err.issues[0]!.message).toBe(
      `${file()}:7: story: unknown placeholder "{{ params.namespace }}": this scenario declares no params; declare namespace under params: in scenario.yaml.`,
    );
  });
});

describe('authoring mistakes, with file and line', () => {
  it('an unknown placeholder in scenario.yaml', async () => {
    await write({ scenario: once(SCENARIO, '  - Timeouts mean drops.', '  - Timeouts mean drops on {{ params.prot }}.') });
    const err = await errorOf(loadScenario(dir, { seed: 1 }));
    expect(err.message).toBe(`${file()}:30: hints[1]: unknown placeholder "{{ params.prot }}"; did you mean {{ params.port }}?`);
  });

  it('an unknown placeholder in a manifest', async () => {
    await write({ deny: once(DENY, 'namespace: "{{ params.namespace }}"', 'namespace: "{{ params.ns }}"') });
    const err = await errorOf(loadScenario(dir));
    expect(err.message).toBe(
      `${manifest('deny.yaml')}:5: metadata.namespace: unknown placeholder "{{ params.ns }}"; the params declared in scenario.yaml are namespace, port or policy.`,
    );
  });

  it('a placeholder that starts a value without quotes', async () => {
    await write({
      scenario: once(SCENARIO, 'guards:\n  - exists: "NetworkPolicy/{{ params.namespace }}/{{ params.policy }}"', 'guards:\n  - exists: {{ params.policy }}'),
    });
    const err = await errorOf(loadScenario(dir));
    expect(err.message).toBe(
      `${file()}:35: guards[0].exists: a value that starts with {{ must be in quotes, or YAML reads it as a mapping: write "{{ params.policy }}".`,
    );
  });

  it('a bad params section', async () => {
    await write({ scenario: once(SCENARIO, '  port: {choose: [8080, 9090]}', '  port: {choose: [8080, 8080]}') });
    const err = await errorOf(loadScenario(dir, { seed: 2 }));
    expect(err.message).toBe(`${file()}:8: params.port.choose: lists the same choice twice; each choice must be different.`);
    await write({ scenario: once(SCENARIO, '  port: {choose: [8080, 9090]}', '  port: [8080, 9090]') });
    expect((await errorOf(loadScenario(dir))).message).toBe(`${file()}:8: params.port: must be a mapping, not a list.`);
  });

  it('a placeholder in the id', async () => {
    await write({ scenario: once(SCENARIO, 'id: shop-variant', 'id: "shop-{{ params.namespace }}"') });
    const err = await errorOf(loadScenario(dir));
    expect(err.message).toBe(`${file()}:1: id: is the folder name, so it is written out; it cannot use a placeholder.`);
  });

  it('a choice that breaks only its own variant', async () => {
    await write({ scenario: once(SCENARIO, '[8080, 9090]', '[8080, 9090, 70000]') });
    await loadScenario(dir, { params: { namespace: 'shop', port: 8080, policy: 'deny-all' } });
    const err = await errorOf(loadScenario(dir, { params: { namespace: 'shop', port: 70000, policy: 'deny-all' } }));
    expect(err.message).toMatch(/app\.yaml:25: spec\.ports\[0\]\.port: /);
    const result = await validateScenario(dir);
    expect(result.ok).toBe(false);
    expect(result.variants).toEqual({ checked: 18, total: 18 });
    expect(result.issues).toHaveLength(1); // a manifest reports its first problem
    expect(result.issues[0]!.message).toMatch(
      /app\.yaml:25: spec\.ports\[0\]\.port: .* \(in the variant namespace=shop, port=70000, policy=deny-all and 5 more\)\.$/,
    );
  });

  it('a step that names an object nothing defines', async () => {
    await write({
      scenario: once(
        SCENARIO,
        '  - delete: "NetworkPolicy/{{ params.namespace }}/{{ params.policy }}"',
        '  - delete: "NetworkPolicy/{{ params.namespace }}/allow-all"',
      ),
    });
    const err = await errorOf(loadScenario(dir));
    expect(err.message).toBe(
      `${file()}:37: fix[0].delete: NetworkPolicy/shop/allow-all names no object that the setup or fault manifests define or that the lab has built in; did you mean NetworkPolicy/shop/deny-all?`,
    );
  });

  it('a declared parameter nothing uses (validate only)', async () => {
    await write({
      scenario: once(SCENARIO, '  policy: {choose: [deny-all, zero-trust]}', '  policy: {choose: [deny-all, zero-trust]}\n  node: {choose: [worker, worker2]}'),
    });
    await loadScenario(dir);
    const result = await validateScenario(dir);
    expect(result.issues.map((i) => i.message)).toEqual([
      `${file()}:10: params.node: is declared but nothing uses {{ params.node }}; use it in scenario.yaml or a manifest, or remove it.`,
    ]);
  });
});

describe('grouped choices (values drawn together)', () => {
  const GROUP = '  team:\n    choose:\n      - {name: web, owner: alice}\n      - {name: data, owner: bob}\n';
  const withGroup = (story: string) =>
    once(SCENARIO, '  policy: {choose: [deny-all, zero-trust]}\n', `  policy: {choose: [deny-all, zero-trust]}\n${GROUP}`).replace(
      '  The {{ params.namespace }} team applied {{ params.policy }}.',
      story,
    );

  it('fills in {{ params.name.field }} with the fields of one choice, never mixed', async () => {
    await write({ scenario: withGroup('  The {{ params.team.name }} team ({{ params.team.owner }}) applied {{ params.policy }}.') });
    expect((await loadScenario(dir)).params).toMatchObject({ 'team.name': 'web', 'team.owner': 'alice' });
    const stories = new Set<string>();
    for (let seed = 1; seed <= 40; seed++) {
      const { scenario } = await loadScenario(dir, { seed });
      stories.add(scenario.story.replace(/ applied .*/s, ''));
    }
    expect([...stories].sort()).toEqual(['The data team (bob)', 'The web team (alice)']);
    expect((await validateScenario(dir)).variants).toEqual({ checked: 24, total: 24 });
  });

  it('asks for a field when a placeholder names the group itself', async () => {
    await write({ scenario: withGroup('  The {{ params.team }} team applied {{ params.policy }}.') });
    const err = await errorOf(loadScenario(dir));
    expect(err.message).toBe(
      `${file()}:15: story: "{{ params.team }}" names a group of values; name one of its fields: {{ params.team.name }} or {{ params.team.owner }}.`,
    );
  });

  it('suggests the field meant', async () => {
    await write({ scenario: withGroup('  The {{ params.team.nmae }} team applied {{ params.policy }}.') });
    const err = await errorOf(loadScenario(dir));
    expect(err.message).toBe(`${file()}:15: story: unknown placeholder "{{ params.team.nmae }}"; did you mean {{ params.team.name }}?`);
  });

  it('has validate name a field nothing uses', async () => {
    await write({ scenario: withGroup('  The {{ params.team.name }} team applied {{ params.policy }}.') });
    const result = await validateScenario(dir);
    expect(result.issues.map((i) => i.message)).toEqual([
      `${file()}:10: params.team: is declared but nothing uses {{ params.team.owner }} (a field of its choices); use it in scenario.yaml or a manifest, or remove it.`,
    ]);
  });

  it('refuses choices of different shapes', async () => {
    await write({
      scenario: withGroup('  The {{ params.team.name }} team ({{ params.team.owner }}) applied {{ params.policy }}.').replace(
        '{name: data, owner: bob}',
        '{name: data}',
      ),
    });
    const err = await errorOf(loadScenario(dir));
    expect(err.message).toBe(
      `${file()}:11: params.team.choose: mixes choices of different shapes; make every choice a value, or every choice a group with the same fields.`,
    );
  });
});

describe('validateTarget', () => {
  it('validates a folder, its scenario.yaml, or a folder of scenarios', async () => {
    for (const target of [dir, path.join(dir, 'scenario.yaml'), root]) {
      const result = await validateTarget(target);
      expect(result).toMatchObject({ ok: true, scenarios: [{ id: 'shop-variant', ok: true, variants: { checked: 12, total: 12 } }] });
    }
  });

  it('samples a bounded number of variants', async () => {
    const result = await validateTarget(dir, 5);
    expect(result.scenarios[0]!.variants).toEqual({ checked: 5, total: 12 });
  });

  it('refuses a path that does not exist or holds no scenario', async () => {
    await expect(validateTarget(path.join(root, 'nope'))).rejects.toThrow(
      /nope: does not exist; pass a scenario folder, its scenario\.yaml, or a folder of scenarios\.$/,
    );
    await expect(validateTarget(path.join(dir, 'manifests'))).rejects.toThrow(/manifests: holds no scenario/);
    await expect(validateTarget(path.join(dir, 'manifests', 'app.yaml'))).rejects.toThrow(/app\.yaml: is not a scenario\.yaml/);
  });

  it('names a folder whose id differs', async () => {
    await write({ scenario: once(SCENARIO, 'id: shop-variant', 'id: other') });
    const result = await validateTarget(root);
    expect(result.scenarios[0]!.issues[0]!.message).toBe(`${file()}:1: id: is "other" but the folder is named "shop-variant"; rename one so they match.`);
  });
});

describe('built-in objects', () => {
  it('name the nodes of the default topology, so a diagnosis can point at a node', () => {
    const nodes = BUILTIN_OBJECTS.filter((o) => o.kind === 'Node').map((o) => o.name);
    expect(nodes).toEqual(loadTopology(DEFAULT_TOPOLOGY).nodes.map((n) => n.name));
  });
});
