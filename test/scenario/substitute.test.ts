import { describe, expect, it } from 'vitest';
import { ScenarioError } from '../../src/scenario/errors.js';
import { parseManifests } from '../../src/scenario/manifests.js';
import { expandPlaceholders, substituteDocument, substituteOrThrow } from '../../src/scenario/substitute.js';
import { parseYaml, type PrepareDocument } from '../../src/scenario/yaml-source.js';

const VALUES = { namespace: 'store', port: 9090, labelKey: 'app.kubernetes.io/name' };

/** Parses `text` as file f.yaml with the placeholders filled in; the problems as messages, or the data. */
function run(text: string, values: Record<string, string | number> = VALUES): { data?: unknown; errors?: string[] } {
  const prepare: PrepareDocument = (parsed) => {
    const issues = substituteDocument({ ...parsed, values });
    if (issues.length > 0) throw ScenarioError.fromIssues(issues);
  };
  try {
    return { data: parseYaml({ file: 'f.yaml', text }, prepare).data };
  } catch (err) {
    if (!(err instanceof ScenarioError)) throw err;
    return { errors: err.issues.map((i) => i.message) };
  }
}

describe('expandPlaceholders', () => {
  it.each([
    ['plain text', 'plain text'],
    ['{{ params.namespace }}', 'store'],
    ['{{params.namespace}}', 'store'],
    ['{{ params.port }}', 9090],
    ['http://api.{{ params.namespace }}.svc:{{ params.port }}/', 'http://api.store.svc:9090/'],
    [' {{ params.port }}', ' 9090'],
    ['--http-port={{ params.port }}', '--http-port=9090'],
    ["{{ '{{' }} literal }}", '{{ literal }}'],
    ['a }} alone', 'a }} alone'],
  ])('%j → %j', (text, expected) => {
    const r = expandPlaceholders(text, VALUES);
    expect(r.problems).toEqual([]);
    expect(r.value).toEqual(expected);
  });

  it('reports unknown names with the closest declared one, and other expressions', () => {
    expect(expandPlaceholders('{{ params.namepsace }}', VALUES).problems.map((p) => p.problem)).toEqual([
      'unknown placeholder "{{ params.namepsace }}"; did you mean {{ params.namespace }}?',
    ]);
    expect(expandPlaceholders('x {{ params.zzz }}', VALUES).problems[0]).toMatchObject({
      at: 2,
      problem: expect.stringContaining('the params declared in scenario.yaml are namespace, port or labelKey'),
    });
    expect(expandPlaceholders('{{ params.port }}', {}).problems[0]!.problem).toBe(
      'unknown placeholder "{{ params.port }}": this scenario declares no params; declare port under params: in scenario.yaml',
    );
    expect(expandPlaceholders('{{ namespace }}', VALUES).problems[0]!.problem).toMatch(
      /^unknown placeholder "\{\{ namespace \}\}"; placeholders look like \{\{ params.name \}\}/,
    );
    expect(expandPlaceholders('a {{ params.port', VALUES).problems[0]!.problem).toMatch(/never closed/);
  });
});

describe('substituteDocument', () => {
  it('fills in plain, quoted, flow and block scalars, and keys; a lone placeholder keeps its type', () => {
    const { data } = run(
      [
        'ns: "{{ params.namespace }}"',
        'port: "{{ params.port }}"',
        'url: http://api.{{ params.namespace }}.svc:{{ params.port }}/',
        'labels: {"{{ params.labelKey }}": api}',
        'args: ["--port={{ params.port }}"]',
        'argv: [--dport, !!str "{{ params.port }}"]',
        'text: |',
        '  in {{ params.namespace }}',
        '  on {{ params.port }}',
        '',
      ].join('\n'),
    );
    expect(data).toEqual({
      ns: 'store',
      port: 9090,
      url: 'http://api.store.svc:9090/',
      labels: { 'app.kubernetes.io/name': 'api' },
      args: ['--port=9090'],
      argv: ['--dport', '9090'],
      text: 'in store\non 9090\n',
    });
  });

  it('names the file, the line of the placeholder itself and the field for unknown placeholders', () => {
    const { errors } = run(
      [
        'a: ok', // 1
        'story: |', // 2
        '  first line {{ params.namespace }}', // 3
        '  second line {{ params.nope }}', // 4
        'probe: {from: "{{ params.namespce }}/frontend"}', // 5
        'list:', // 6
        '  - x', // 7
        '  - "{{ params.prot }}"', // 8
        '',
      ].join('\n'),
    );
    expect(errors).toEqual([
      'f.yaml:4: story: unknown placeholder "{{ params.nope }}"; the params declared in scenario.yaml are namespace, port or labelKey.',
      'f.yaml:5: probe.from: unknown placeholder "{{ params.namespce }}"; did you mean {{ params.namespace }}?',
      'f.yaml:8: list[1]: unknown placeholder "{{ params.prot }}"; did you mean {{ params.port }}?',
    ]);
  });

  it('finds the right line when the same placeholder appears twice in a block', () => {
    const { errors } = run(['text: |', '  {{ params.x }}', '  again {{ params.x }}', ''].join('\n'));
    expect(errors!.map((e) => e.split(':')[1])).toEqual(['2', '3']);
  });

  it('says to quote a value that starts with {{, which YAML reads as a mapping', () => {
    const { errors } = run(['a: 1', 'port: {{ params.port }}', ''].join('\n'));
    expect(errors).toEqual(['f.yaml:2: port: a value that starts with {{ must be in quotes, or YAML reads it as a mapping: write "{{ params.port }}".']);
  });

  it('refuses keys that collide once filled in', () => {
    const { errors } = run(['labels:', '  app: x', '  "{{ params.key }}": y', ''].join('\n'), { key: 'app' });
    expect(errors).toEqual(['f.yaml:3: app: the key "app" appears twice in this mapping once its placeholders are filled in; rename one.']);
  });

  it('leaves skipped nodes alone and refuses placeholders in literal ones', () => {
    const prepare: PrepareDocument = (parsed) => {
      const root = parsed.doc.contents as any;
      const issues = substituteDocument({
        ...parsed,
        values: VALUES,
        skip: [root.get('keep', true)],
        literal: new Map([[root.get('id', true), 'cannot use a placeholder']]),
      });
      if (issues.length > 0) throw ScenarioError.fromIssues(issues);
    };
    expect(parseYaml({ file: 'f.yaml', text: 'keep: ["{{ params.port }}"]\n' }, prepare).data).toEqual({ keep: ['{{ params.port }}'] });
    expect(() => parseYaml({ file: 'f.yaml', text: 'id: "{{ params.port }}"\n' }, prepare)).toThrow('f.yaml:1: id: cannot use a placeholder.');
  });

  it('cannot change the YAML structure: a value with YAML syntax stays text', () => {
    const { data } = run('a: "{{ params.x }}"\n', { x: '{b: [1, 2]}\n- c' });
    expect(data).toEqual({ a: '{b: [1, 2]}\n- c' });
  });
});

describe('manifests with placeholders', () => {
  it('fills them in for a scenario, and reports unknown ones at the manifest line', () => {
    const text =
      'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: "{{ params.namespace }}"\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  namespace: "{{ params.nmspace }}"\n';
    expect(() => parseManifests(text, 'm.yaml', VALUES)).toThrow(
      'm.yaml:10: metadata.namespace: unknown placeholder "{{ params.nmspace }}"; did you mean {{ params.namespace }}?',
    );
    const ok = parseManifests(text.replace('nmspace', 'namespace'), 'm.yaml', VALUES);
    expect(ok.map((o) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`)).toEqual(['Namespace//store', 'ConfigMap/store/c']);
  });

  it('checks the filled-in values against the Kubernetes shapes, at the placeholder line', () => {
    const text = 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: "{{ params.namespace }}"\n';
    expect(() => parseManifests(text, 'm.yaml', { namespace: 'Bad_NS' })).toThrow(/^m\.yaml:4: metadata\.name: must be a DNS label/);
  });

  it('takes a learner file (no params) as written', () => {
    const text = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {tpl: "{{ .Values.x }}"}\n';
    expect(parseManifests(text, 'm.yaml')[0]!.data).toEqual({ tpl: '{{ .Values.x }}' });
  });

  it('substituteOrThrow throws every problem of a document at once', () => {
    expect(() => parseYaml({ file: 'f.yaml', text: 'a: "{{ params.x }}"\nb: "{{ params.y }}"\n' }, substituteOrThrow({}))).toThrow(
      expect.objectContaining({ issues: [expect.objectContaining({ line: 1 }), expect.objectContaining({ line: 2 })] }),
    );
  });
});
