import { describe, expect, it } from 'vitest';
import { ScenarioError } from '../../src/scenario/errors.js';
import { locate, parseYaml, parseYamlStream } from '../../src/scenario/yaml-source.js';

const src = (text: string) => ({ file: 'f.yaml', text });

function messageOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ScenarioError);
    return (err as ScenarioError).message;
  }
  throw new Error('expected a ScenarioError');
}

describe('parseYaml', () => {
  it('gives line and column of syntax errors', () => {
    expect(messageOf(() => parseYaml(src('a: 1\nb:\n\t- x\n')))).toBe('f.yaml:3:1: YAML syntax error: Tabs are not allowed as indentation.');
    expect(messageOf(() => parseYaml(src('a: 1\n---\nb: 2\n')))).toBe(
      'f.yaml:2:1: YAML syntax error: Source contains multiple documents; please use YAML.parseAllDocuments().',
    );
  });

  it('bounds alias expansion', () => {
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (const [i, n] of ['b', 'c', 'd', 'e', 'f', 'g'].entries()) bomb.push(`${n}: &${n} [${Array(10).fill(`*${'abcdefg'[i]}`).join(', ')}]`);
    expect(messageOf(() => parseYaml(src(bomb.join('\n'))))).toBe(
      'f.yaml: uses YAML aliases (*name) so often that expanding them would be too large; write the values out instead.',
    );
    // A few aliases are fine.
    expect(parseYaml(src('a: &a [1, 2]\nb: *a\n')).data).toEqual({ a: [1, 2], b: [1, 2] });
  });

  it('refuses nesting too deep to parse, in one sentence', () => {
    const msg = messageOf(() => parseYaml(src(`a: ${'['.repeat(20000)}`)));
    expect(msg).toMatch(/^f\.yaml:1:\d+: YAML syntax error: /);
    expect(msg).not.toContain('\n');
  });

  it('reports an alias to an unknown anchor', () => {
    expect(messageOf(() => parseYaml(src('a: 1\nb: *nope\n')))).toBe(
      'f.yaml:2:4: YAML syntax error: the alias *nope refers to no anchor defined before it (&nope).',
    );
  });
});

describe('parseYamlStream', () => {
  it('skips empty documents', () => {
    expect(parseYamlStream(src('---\n---\na: 1\n---\n# only a comment\n---\nb: 2\n')).map((d) => d.data)).toEqual([{ a: 1 }, { b: 2 }]);
  });
});

describe('locate', () => {
  const parsed = parseYaml(src('id: x\nsymptom:\n  from: a/b\nfault:\n  - apply: m.yaml\n  - nodeExec:\n      node: w\n'));
  it('finds keys and list items', () => {
    expect(locate(parsed, ['symptom', 'from'])).toEqual({ line: 3, column: 3 });
    expect(locate(parsed, ['fault', 1])).toEqual({ line: 6, column: 5 });
    expect(locate(parsed, ['fault', 1, 'nodeExec', 'node'])).toEqual({ line: 7, column: 7 });
  });
  it('falls back to the deepest part that exists', () => {
    expect(locate(parsed, ['symptom', 'to'])).toEqual({ line: 2, column: 1 });
    expect(locate(parsed, ['fault', 7, 'x'])).toEqual({ line: 4, column: 1 });
  });
  it('follows aliases', () => {
    const p = parseYaml(src('base: &b\n  x: 1\n  y: 2\nother: *b\n'));
    expect(locate(p, ['other', 'y'])).toEqual({ line: 3, column: 3 });
  });
});
