import { mkdir, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ScenarioError } from '../../src/scenario/errors.js';
import { BUILTIN_OBJECTS, findScenario, listScenarios, loadScenario } from '../../src/scenario/loader.js';
import { FIXTURES, VALID_DIR, replaceOnce, shown, tempScenario, type TempScenario } from './helpers.js';

async function errorOf(promise: Promise<unknown>): Promise<ScenarioError> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(ScenarioError);
    return err as ScenarioError;
  }
  throw new Error('expected a ScenarioError, but it loaded');
}

describe('loadScenario on the valid fixture', () => {
  it('returns the scenario, its parsed steps and every manifest by relative path', async () => {
    const loaded = await loadScenario(VALID_DIR);
    expect(loaded.dir).toBe(VALID_DIR);
    expect(loaded.scenario.id).toBe('quiet-after-review');
    expect([...loaded.manifests.keys()]).toEqual(['manifests/app.yaml', 'manifests/deny-egress.yaml', 'manifests/allow-dns.yaml']);
    expect(loaded.manifests.get('manifests/app.yaml')!.map((o) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`)).toEqual([
      'Namespace//shop',
      'Deployment/shop/frontend',
      'Deployment/shop/api',
      'Service/shop/api',
    ]);
    expect(loaded.scenario.fault[1]).toEqual({
      nodeExec: {
        node: 'worker',
        run: ['iptables', '-A', 'FORWARD', '-p', 'udp', '--dport', '53', '-j', 'DROP'],
        undo: ['iptables', '-D', 'FORWARD', '-p', 'udp', '--dport', '53', '-j', 'DROP'],
      },
    });
    // Defaults from the schema are filled in.
    expect(loaded.scenario.symptom.expect).toBe('failure');
    expect(loaded.scenario.verify[0]!.probe.expect).toBe('success');
  });

  it('names the built-in objects scenarios may refer to', () => {
    expect(BUILTIN_OBJECTS).toContainEqual({ kind: 'ConfigMap', namespace: 'kube-system', name: 'coredns' });
    expect(BUILTIN_OBJECTS).toContainEqual({ kind: 'Namespace', name: 'default' });
  });
});

describe('loadScenario on the broken fixtures', () => {
  const cases: [folder: string, message: string][] = [
    ['broken-yaml-syntax', `${shown('broken-yaml-syntax')}:4:13: YAML syntax error: Nested mappings are not allowed in compact mappings.`],
    ['broken-wrong-type', `${shown('broken-wrong-type')}:5: layers: must be a list, not the text "networkpolicy".`],
    ['broken-unknown-field', `${shown('broken-unknown-field')}:3: titel: unknown field; did you mean title?`],
    ['broken-missing-field', `${shown('broken-missing-field')}:15: diagnosis.cause: required field is missing; add it.`],
    ['broken-bad-cause', `${shown('broken-bad-cause')}:21: diagnosis.cause: must be one of the ids listed under causes.`],
    [
      'broken-unknown-step',
      `${shown('broken-unknown-step')}:13: fault[0]: unknown step "applyy" (did you mean apply?); known steps: apply, delete, patch, scale, restart, nodeExec.`,
    ],
    ['broken-step-params', `${shown('broken-step-params')}:15: fault[1].nodeExec.node: must be a node name such as worker, not "Worker_1".`],
    ['broken-path-traversal', `${shown('broken-path-traversal')}:11: setup[0]: must stay inside the scenario folder (no ..).`],
    [
      'broken-unsupported-kind',
      `${shown('broken-unsupported-kind', 'manifests/deny-egress.yaml')}:11: kind: "Ingress" is not supported; netbreak supports Namespace, Pod, Deployment, DaemonSet, Service, EndpointSlice, NetworkPolicy and ConfigMap.`,
    ],
    [
      'broken-duplicate-object',
      `${shown('broken-duplicate-object', 'manifests/app.yaml')}:56: Service/shop/api is already defined at ${shown('broken-duplicate-object', 'manifests/app.yaml')}:46; keep only one of them.`,
    ],
    [
      'broken-duplicate-across-files',
      `${shown('broken-duplicate-across-files', 'manifests/extra.yaml')}:2: Deployment/shop/frontend is already defined at ${shown('broken-duplicate-across-files', 'manifests/app.yaml')}:6; keep only one of them.`,
    ],
    [
      'broken-dangling-reference',
      `${shown('broken-dangling-reference')}:10: symptom.from: namespace "shp" is not defined by any setup or fault manifest (did you mean shop?).`,
    ],
  ];

  it.each(cases)('%s', async (folder, message) => {
    const err = await errorOf(loadScenario(path.join(FIXTURES, folder)));
    expect(err.message).toBe(message);
    expect(err.message).not.toContain('\n');
  });

  it('keeps every issue, in file order, and the parts of the first one', async () => {
    const err = await errorOf(loadScenario(path.join(FIXTURES, 'broken-missing-field')));
    expect(err.file).toBe(shown('broken-missing-field'));
    expect(err.line).toBe(15);
    expect(err.path).toBe('diagnosis.cause');
    expect(err.problem).toBe('required field is missing; add it.');
    // A missing top-level field has no line to point at.
    expect(err.issues.map((i) => i.message)).toEqual([
      `${shown('broken-missing-field')}:15: diagnosis.cause: required field is missing; add it.`,
      `${shown('broken-missing-field')}: story: required field is missing; add it.`,
    ]);
  });

  it('reports every dangling reference', async () => {
    const err = await errorOf(loadScenario(path.join(FIXTURES, 'broken-dangling-reference')));
    expect(err.issues.map((i) => i.message)).toEqual([
      `${shown('broken-dangling-reference')}:10: symptom.from: namespace "shp" is not defined by any setup or fault manifest (did you mean shop?).`,
      `${shown('broken-dangling-reference')}:20: diagnosis.object: NetworkPolicy/shop/default-deny names no object that the setup or fault manifests define or that the lab has built in; did you mean NetworkPolicy/shop/default-deny-egress?`,
    ]);
  });
});

describe('loadScenario on edited copies', () => {
  let tmp: TempScenario | undefined;
  afterEach(async () => {
    await tmp?.cleanup();
    tmp = undefined;
  });
  const load = async (edit: (t: string) => string) => {
    tmp = await tempScenario(edit);
    return loadScenario(tmp.dir);
  };

  it('refuses a manifest that is a symbolic link to a file outside the folder', async () => {
    tmp = await tempScenario((t) => replaceOnce(t, '- apply: manifests/allow-dns.yaml', '- apply: manifests/evil.yaml'));
    await writeFile(path.join(tmp.root, 'outside.yaml'), 'apiVersion: v1\nkind: Namespace\nmetadata: {name: evil}\n');
    await symlink(path.join(tmp.root, 'outside.yaml'), path.join(tmp.dir, 'manifests', 'evil.yaml'));
    const err = await errorOf(loadScenario(tmp.dir));
    expect(err.message).toBe(
      `${tmp.file}:47: fix[0].apply: "manifests/evil.yaml" is a symbolic link to a file outside the scenario folder; manifests must live inside it.`,
    );
  });

  it('refuses a manifest folder that is a symbolic link to a folder outside', async () => {
    tmp = await tempScenario((t) => replaceOnce(t, '- apply: manifests/allow-dns.yaml', '- apply: linked/app.yaml'));
    await symlink(path.join(VALID_DIR, 'manifests'), path.join(tmp.dir, 'linked'));
    const err = await errorOf(loadScenario(tmp.dir));
    expect(err.message).toBe(
      `${tmp.file}:47: fix[0].apply: "linked/app.yaml" is a symbolic link to a file outside the scenario folder; manifests must live inside it.`,
    );
  });

  it('accepts a symbolic link that stays inside the folder', async () => {
    tmp = await tempScenario((t) => replaceOnce(t, '- apply: manifests/allow-dns.yaml', '- apply: manifests/alias.yaml'));
    await symlink('allow-dns.yaml', path.join(tmp.dir, 'manifests', 'alias.yaml'));
    const loaded = await loadScenario(tmp.dir);
    expect(loaded.manifests.get('manifests/alias.yaml')?.[0]?.metadata.name).toBe('allow-dns');
  });

  it('refuses .. in a step parameter', async () => {
    const err = await errorOf(load((t) => replaceOnce(t, '- apply: manifests/allow-dns.yaml', '- apply: ../outside.yaml')));
    expect(err.message).toBe(`${tmp!.file}:47: fix[0].apply: must be a relative .yaml path inside the scenario folder, not "../outside.yaml".`);
    const err2 = await errorOf(load((t) => replaceOnce(t, '- apply: manifests/allow-dns.yaml', '- apply: manifests/../../x.yaml')));
    expect(err2.message).toBe(`${tmp!.file}:47: fix[0].apply: must stay inside the scenario folder (no ..).`);
  });

  it('names a missing manifest at the line that refers to it', async () => {
    const err = await errorOf(load((t) => replaceOnce(t, 'setup: [manifests/app.yaml]', 'setup: [manifests/app.yaml, manifests/nope.yaml]')));
    expect(err.message).toBe(`${tmp!.file}:11: setup[1]: "manifests/nope.yaml" does not exist; create it or fix the path.`);
  });

  it('refuses a setup file listed twice', async () => {
    const err = await errorOf(load((t) => replaceOnce(t, 'setup: [manifests/app.yaml]', 'setup: [manifests/app.yaml, manifests/app.yaml]')));
    expect(err.message).toBe(`${tmp!.file}:11: setup[1]: lists "manifests/app.yaml" a second time (it is already setup[0]); remove one.`);
  });

  it('refuses a scenario.yaml bigger than 1 MiB without parsing it', async () => {
    tmp = await tempScenario();
    await tmp.write(`${tmp.text}\n# ${'x'.repeat(1024 * 1024)}\n`);
    const err = await errorOf(loadScenario(tmp.dir));
    expect(err.message).toBe(`${tmp.file}: is 1.0 MiB, more than the 1 MiB netbreak reads; make it smaller or split it into several files.`);
  });

  it('refuses a manifest bigger than 1 MiB', async () => {
    tmp = await tempScenario();
    await writeFile(path.join(tmp.dir, 'manifests', 'app.yaml'), `# ${'y'.repeat(3 * 1024 * 1024)}\n`);
    const err = await errorOf(loadScenario(tmp.dir));
    expect(err.message).toBe(
      `${path.join(tmp.dir, 'manifests', 'app.yaml')}: is 3.0 MiB, more than the 1 MiB netbreak reads; make it smaller or split it into several files.`,
    );
  });

  it('says so when there is no scenario.yaml', async () => {
    const err = await errorOf(loadScenario(path.join(FIXTURES, 'no-such-scenario')));
    expect(err.message).toBe(`${shown('no-such-scenario')}: does not exist.`);
  });

  it('refuses a file that is not a mapping', async () => {
    const err = await errorOf(load(() => '- just\n- a list\n'));
    expect(err.message).toBe(`${tmp!.file}:1: must be a scenario (a mapping with id, title, story, symptom, fault, diagnosis …), not a list.`);
    const empty = await errorOf(load(() => '# nothing here\n'));
    expect(empty.message).toBe(`${tmp!.file}: must be a scenario (a mapping with id, title, story, symptom, fault, diagnosis …), not empty.`);
  });

  it('explains enum values with a suggestion', async () => {
    const err = await errorOf(load((t) => replaceOnce(t, 'difficulty: beginner', 'difficulty: begginer')));
    expect(err.message).toBe(
      `${tmp!.file}:4: difficulty: must be one of beginner, intermediate or advanced, not the text "begginer" (did you mean beginner?).`,
    );
  });

  it('lists the allowed fields when an unknown one is not a near miss', async () => {
    const err = await errorOf(load((t) => replaceOnce(t, 'symptom: {from: shop/frontend,', 'symptom: {colour: red, from: shop/frontend,')));
    expect(err.message).toBe(`${tmp!.file}:10: symptom.colour: unknown field; the fields allowed here are from, to and expect.`);
  });

  it('lists the allowed fields inside a union form and a keyed record', async () => {
    const hint = await errorOf(load((t) => replaceOnce(t, ', cost: 20}', ', cost: 20, extra: 1}')));
    expect(hint.message).toBe(`${tmp!.file}:37: hints[2].extra: unknown field; the fields allowed here are text and cost.`);
    const unsupported = await errorOf(load((t) => replaceOnce(t, 'backends: [netns, kind, kubeconfig]', 'backends: [netns]\nunsupported: {docker: no}')));
    expect(unsupported.message).toBe(`${tmp!.file}:7: unsupported.docker: unknown field; the fields allowed here are netns, kind and kubeconfig.`);
  });

  it('explains a bad key in the causes map', async () => {
    const err = await errorOf(load((t) => replaceOnce(t, '    selector-mismatch: The api', '    Selector_Mismatch: The api')));
    expect(err.message).toBe(`${tmp!.file}:26: diagnosis.causes.Selector_Mismatch: the key "Selector_Mismatch" must match the pattern /^[a-z0-9-]+$/.`);
  });

  it('explains a guard that matches none of the forms', async () => {
    const err = await errorOf(load((t) => replaceOnce(t, '- exists: Service/kube-system/kube-dns', '- exist: Service/kube-system/kube-dns')));
    expect(err.message).toBe(`${tmp!.file}:43: guards[1]: must be {exists: …}, {absent: …}, {probe: …, why: …} or {taint: …, why: …}, not a mapping.`);
  });

  it('explains the problem inside the guard form that was meant', async () => {
    const err = await errorOf(load((t) => replaceOnce(t, '- exists: Service/kube-system/kube-dns', '- exists: kube-dns')));
    expect(err.message).toBe(
      `${tmp!.file}:43: guards[1].exists: must look like Kind/namespace/name (for example NetworkPolicy/shop/default-deny), not "kube-dns".`,
    );
    const probe = await errorOf(
      load((t) =>
        replaceOnce(
          t,
          '- probe: {from: shop/frontend, to: "tcp://1.1.1.1:443", expect: timeout}\n    why',
          '- probe: {from: shop/frontend, to: "tcp://1.1.1.1:443", expect: slow}\n    why',
        ),
      ),
    );
    expect(probe.message).toMatch(/:44: guards\[2\]\.probe\.expect: must be one of success, refused, .* or failure, not the text "slow"\.$/);
  });

  it('explains a hint object without its cost', async () => {
    const err = await errorOf(load((t) => replaceOnce(t, ', cost: 20}', '}')));
    expect(err.message).toBe(`${tmp!.file}:37: hints[2].cost: required field is missing; add it.`);
  });

  it('counts list items', async () => {
    const err = await errorOf(load((t) => replaceOnce(t, '  - Which policies select the frontend pods? netbreak get netpol -n shop\n', '')));
    expect(err.message).toBe(`${tmp!.file}:34: hints: must list at least 3 items, not 2.`);
  });

  it('checks the parameters of every kind of step', async () => {
    const err = await errorOf(load((t) => replaceOnce(t, '- apply: manifests/allow-dns.yaml', '- scale: {object: Deployment/shop/api, replicas: many}')));
    expect(err.message).toBe(`${tmp!.file}:47: fix[0].scale.replicas: must be a number, not the text "many".`);
    const err2 = await errorOf(load((t) => replaceOnce(t, '- apply: manifests/allow-dns.yaml', '- patch: {object: Service/shop/api, merge: {}, mrege: {}}')));
    expect(err2.message).toBe(`${tmp!.file}:47: fix[0].patch.mrege: unknown field; did you mean merge?`);
  });

  it('refuses a step with two kinds', async () => {
    const err = await errorOf(
      load((t) => replaceOnce(t, '- apply: manifests/allow-dns.yaml', '- {apply: manifests/allow-dns.yaml, delete: Service/shop/api}')),
    );
    expect(err.message).toBe(`${tmp!.file}:47: fix[0]: each step has exactly one kind, for example {apply: manifests/deny.yaml}.`);
  });

  it('accepts unsupported with only some backends', async () => {
    const loaded = await load((t) =>
      replaceOnce(t, 'backends: [netns, kind, kubeconfig]', 'backends: [netns, kind]\nunsupported: {kubeconfig: needs a node-level fault}'),
    );
    expect(loaded.scenario.unsupported).toEqual({ kubeconfig: 'needs a node-level fault' });
  });

  it('wants a namespace in references to namespaced kinds', async () => {
    const err = await errorOf(load((t) => replaceOnce(t, 'object: NetworkPolicy/shop/default-deny-egress', 'object: NetworkPolicy/default-deny-egress')));
    expect(err.message).toBe(
      `${tmp!.file}:20: diagnosis.object: NetworkPolicy/default-deny-egress names no object that the setup or fault manifests define or that the lab has built in; a NetworkPolicy lives in a namespace, so write NetworkPolicy/<namespace>/default-deny-egress.`,
    );
  });

  it('checks exists guards and probe namespaces', async () => {
    const err = await errorOf(
      load((t) =>
        replaceOnce(
          replaceOnce(t, '- exists: Service/kube-system/kube-dns', '- exists: Service/kube-system/coredns'),
          '- probe: {from: shop/frontend, to: "tcp://1.1.1.1:443", expect: timeout}\n    why',
          '- probe: {from: web/frontend, to: "tcp://1.1.1.1:443", expect: timeout}\n    why',
        ),
      ),
    );
    expect(err.issues.map((i) => i.message)).toEqual([
      `${tmp!.file}:43: guards[1].exists: Service/kube-system/coredns names no object that the setup or fault manifests define or that the lab has built in; did you mean Service/kube-system/kube-dns?`,
      `${tmp!.file}:44: guards[2].probe.from: namespace "web" is not defined by any setup or fault manifest; add a Namespace object to a setup manifest (defined: default, kube-system or shop).`,
    ]);
  });

  it('does not accept objects that only the fix defines as diagnosis objects', async () => {
    const err = await errorOf(load((t) => replaceOnce(t, 'object: NetworkPolicy/shop/default-deny-egress', 'object: NetworkPolicy/shop/allow-dns')));
    expect(err.line).toBe(20);
    expect(err.path).toBe('diagnosis.object');
  });

  it('turns an alias bomb into one sentence', async () => {
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 8; i++)
      bomb.push(
        `${'abcdefgh'[i]}: &${'abcdefgh'[i]} [${Array(10)
          .fill(`*${'abcdefgh'[i - 1]}`)
          .join(', ')}]`,
      );
    const err = await errorOf(load((t) => `${t}${bomb.join('\n')}\n`));
    expect(err.message).toBe(`${tmp!.file}: uses YAML aliases (*name) so often that expanding them would be too large; write the values out instead.`);
  });
});

describe('listScenarios', () => {
  it('loads the good scenarios and collects one error per broken folder', async () => {
    const listing = await listScenarios(FIXTURES);
    // A story that leaks loads (only validate holds it to the leak check).
    expect(listing.scenarios.map((s) => s.scenario.id)).toEqual(['leaky-story', 'quiet-after-review']);
    expect(listing.errors).toHaveLength(12);
    expect(listing.errors.every((e) => e instanceof ScenarioError)).toBe(true);
    expect(listing.errors[0]!.message).toBe(`${shown('broken-bad-cause')}:21: diagnosis.cause: must be one of the ids listed under causes.`);
  });

  it('wants the id to match the folder name', async () => {
    const tmp = await tempScenario();
    try {
      await mkdir(path.join(tmp.root, 'other'));
      await writeFile(path.join(tmp.root, 'other', 'not-a-scenario.txt'), '');
      const renamed = path.join(tmp.root, 'renamed');
      await (await import('node:fs/promises')).rename(tmp.dir, renamed);
      const listing = await listScenarios(tmp.root);
      expect(listing.scenarios).toEqual([]);
      expect(listing.errors.map((e) => e.message)).toEqual([
        `${path.join(renamed, 'scenario.yaml')}:2: id: is "quiet-after-review" but the folder is named "renamed"; rename one so they match.`,
      ]);
    } finally {
      await tmp.cleanup();
    }
  });

  it('says when the folder does not exist', async () => {
    const err = await errorOf(listScenarios(path.join(FIXTURES, 'nope')));
    expect(err.message).toBe(`${path.relative(process.cwd(), path.join(FIXTURES, 'nope'))}: does not exist; pass the folder that holds the scenarios.`);
  });
});

describe('findScenario', () => {
  it('finds a scenario by id', async () => {
    expect((await findScenario(FIXTURES, 'quiet-after-review')).scenario.title).toBe('Quiet after the review');
  });

  it('suggests close ids', async () => {
    const err = await errorOf(findScenario(FIXTURES, 'quiet-after-reveiw'));
    expect(err.message).toBe('Unknown scenario "quiet-after-reveiw"; did you mean quiet-after-review?');
    const prefix = await errorOf(findScenario(FIXTURES, 'quiet-after'));
    expect(prefix.message).toBe('Unknown scenario "quiet-after"; did you mean quiet-after-review?');
  });

  it('points at netbreak list when nothing is close', async () => {
    const err = await errorOf(findScenario(FIXTURES, 'mtu-black-hole'));
    expect(err.message).toBe('Unknown scenario "mtu-black-hole"; run netbreak list to see the scenarios there are.');
  });

  it('never leaves the scenario root', async () => {
    const err = await errorOf(findScenario(path.join(FIXTURES, 'broken-wrong-type'), '../quiet-after-review'));
    expect(err.message).toBe('Unknown scenario "../quiet-after-review"; run netbreak list to see the scenarios there are.');
  });

  it('reports a broken scenario with its own error', async () => {
    const err = await errorOf(findScenario(FIXTURES, 'broken-wrong-type'));
    expect(err.message).toBe(`${shown('broken-wrong-type')}:5: layers: must be a list, not the text "networkpolicy".`);
  });
});
