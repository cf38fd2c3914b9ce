// Thousands of malformed scenario files, made by mutating the valid fixture with
// a seeded PRNG: loadScenario must either load them or throw a ScenarioError
// whose message is one line, never another error and never a stack trace.
import { writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ScenarioError } from '../../src/scenario/errors.js';
import { loadScenario } from '../../src/scenario/loader.js';
import { mulberry32 } from '../../src/scenario/params.js';
import { fastTempParent, tempScenario, type TempScenario } from './helpers.js';

const SEED = 0x5eed_2024;
// `npm run soak` runs this file with a larger NETBREAK_FUZZ_CASES; the budgets below scale with it.
const CASES = Number(process.env.NETBREAK_FUZZ_CASES ?? 3000);
const SCALE = Math.max(1, CASES / 3000);

type Rand = () => number;
const int = (r: Rand, n: number) => Math.floor(r() * n);
const pick = <T>(r: Rand, items: readonly T[]): T => items[int(r, items.length)]!;

const SCALARS = [
  '123',
  '-1',
  '0',
  '3.5',
  '1e400',
  '.inf',
  '.nan',
  '0x1F',
  'true',
  'false',
  'null',
  '~',
  '""',
  "''",
  '[]',
  '{}',
  '[a, b]',
  '{a: 1}',
  '[[[[[]]]]]',
  '!!binary aGVsbG8=',
  '!!str 5',
  '!custom x',
  '&anchor value',
  '*anchor',
  '*undefined_alias',
  '|',
  '>',
  '- item',
  '"unterminated',
  "'also unterminated",
  '{a: 1',
  '[1, 2',
  '@reserved',
  '`backtick',
  '%TAG ! tag:x',
  '? complex',
  ': colon',
  '"\\u0000\\uD800"',
  'NetworkPolicy/shop/x',
  'shop/frontend',
  'http://x',
  'manifests/../../etc/passwd.yaml',
  '/etc/passwd.yaml',
  '__proto__',
  'constructor',
  '{__proto__: {polluted: 1}}',
  'Kind/ns/name/extra',
];
const CHARS = [
  '\t',
  '\0',
  '\r',
  '\n',
  ' ',
  ':',
  '-',
  '[',
  ']',
  '{',
  '}',
  '&',
  '*',
  '!',
  '|',
  '>',
  '"',
  "'",
  '#',
  '%',
  '@',
  '`',
  ',',
  '?',
  '\u2028',
  '\ufeff',
  '\ud800',
  '😀',
  'é',
  'x',
];

function mutateOnce(r: Rand, text: string): string | Buffer {
  const lines = text.split('\n');
  const at = int(r, lines.length);
  switch (int(r, 16)) {
    case 0: // delete a line
      lines.splice(at, 1);
      return lines.join('\n');
    case 1: // duplicate a line
      lines.splice(at, 0, lines[at] ?? '');
      return lines.join('\n');
    case 2: {
      // swap two lines
      const b = int(r, lines.length);
      [lines[at], lines[b]] = [lines[b]!, lines[at]!];
      return lines.join('\n');
    }
    case 3: {
      // random characters
      const pos = int(r, text.length + 1);
      let junk = '';
      for (let i = 0, n = 1 + int(r, 6); i < n; i++) junk += pick(r, CHARS);
      return text.slice(0, pos) + junk + text.slice(pos);
    }
    case 4: {
      // change a value's type
      const idx = lines.findIndex((l, i) => i >= at && /:\s*\S/.test(l));
      const i = idx < 0 ? at : idx;
      lines[i] = (lines[i] ?? '').replace(/:\s.*$/, `: ${pick(r, SCALARS)}`);
      return lines.join('\n');
    }
    case 5: {
      // deep nesting, flow or block
      // Mostly moderate; sometimes deep enough to overflow the parser's stack (slow, so rarer).
      const depth = r() < 0.1 ? 2000 + int(r, 3000) : 10 + int(r, 500);
      const deep = r() < 0.5 ? `${'['.repeat(depth)}${']'.repeat(int(r, depth + 1))}` : `${'{a: '.repeat(depth)}1${'}'.repeat(depth)}`;
      lines.splice(at, 0, `deep: ${deep}`);
      return lines.join('\n');
    }
    case 6: {
      // block nesting
      const depth = 2 + int(r, 300);
      const block = Array.from({ length: depth }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n');
      lines.splice(at, 0, block);
      return lines.join('\n');
    }
    case 7: {
      // very long strings
      const long = pick(r, ['x', 'é', '😀', 'a-']).repeat(1000 + int(r, 100_000));
      lines[at] = (lines[at] ?? '').replace(/:\s.*$/, `: ${long}`);
      return lines.join('\n');
    }
    case 8: {
      // alias bombs
      const width = 5 + int(r, 10);
      const bomb = ['l0: &l0 [x, x, x, x, x, x, x, x, x, x]'];
      for (let i = 1; i < 3 + int(r, 8); i++)
        bomb.push(
          `l${i}: &l${i} [${Array(width)
            .fill(`*l${i - 1}`)
            .join(', ')}]`,
        );
      return r() < 0.5 ? `${text}\n${bomb.join('\n')}\n` : `${bomb.join('\n')}\n${text}`;
    }
    case 9: {
      // aliases into real fields
      return text
        .replace('layers: [networkpolicy, dns]', 'layers: &l [networkpolicy, dns]')
        .replace('backends: [netns, kind, kubeconfig]', pick(r, ['backends: *l', 'backends: *nope', 'backends: [*l, *l]']));
    }
    case 10: // indentation
      lines[at] = r() < 0.5 ? `${' '.repeat(1 + int(r, 6))}${lines[at] ?? ''}` : (lines[at] ?? '').replace(/^\s+/, '');
      return lines.join('\n');
    case 11: // truncate
      return text.slice(0, int(r, text.length));
    case 12: // more documents
      lines.splice(at, 0, pick(r, ['---', '...', '--- !!map', '%YAML 1.1\n---']));
      return lines.join('\n');
    case 13: {
      // random bytes, including invalid UTF-8
      const buf = Buffer.from(text, 'utf8');
      for (let i = 0, n = 1 + int(r, 20); i < n; i++) buf[int(r, buf.length)] = int(r, 256);
      return buf;
    }
    case 14: // only garbage
      return Buffer.from(Array.from({ length: int(r, 2000) }, () => int(r, 256)));
    default: {
      // rename a key
      const idx = lines.findIndex((l, i) => i >= at && /^\s*-?\s*[A-Za-z]+:/.test(l));
      const i = idx < 0 ? at : idx;
      lines[i] = (lines[i] ?? '').replace(
        /([A-Za-z]+):/,
        (_, k: string) => `${pick(r, [k.toUpperCase(), `${k}x`, k.slice(1), '__proto__', 'constructor', 'apply', 'applyy', 'patch', 'nodeExec'])}:`,
      );
      return lines.join('\n');
    }
  }
}

function mutate(r: Rand, text: string): string | Buffer {
  let out: string | Buffer = text;
  for (let i = 0, n = 1 + int(r, 3); i < n; i++) out = mutateOnce(r, typeof out === 'string' ? out : out.toString('latin1'));
  return out;
}

let tmp: TempScenario;
let manifestPath: string;
let manifestText: string;
beforeAll(async () => {
  tmp = await tempScenario(undefined, fastTempParent());
  manifestPath = path.join(tmp.dir, 'manifests', 'deny-egress.yaml');
  manifestText = await readFile(manifestPath, 'utf8');
});
afterAll(async () => {
  await tmp.cleanup();
});

it(
  `loads or refuses ${CASES} mutated scenarios with one-line ScenarioErrors`,
  async () => {
    const r = mulberry32(SEED);
    let loaded = 0;
    let refused = 0;
    let manifestDirty = false;
    // CPU time rather than wall time, so other work on a busy machine does not fail the test.
    for (let i = 0; i < CASES; i++) {
      // Mostly scenario.yaml; sometimes a manifest the scenario applies.
      const inManifest = r() < 0.15;
      const content = mutate(r, inManifest ? manifestText : tmp.text);
      writeFileSync(tmp.file, inManifest ? tmp.text : content);
      if (inManifest || manifestDirty) writeFileSync(manifestPath, inManifest ? content : manifestText);
      manifestDirty = inManifest;
      try {
        await loadScenario(tmp.dir);
        loaded++;
      } catch (err) {
        const where = `case ${i} (seed ${SEED}) ${inManifest ? 'manifest' : 'scenario'}:\n${String(content).slice(0, 2000)}`;
        if (!(err instanceof ScenarioError)) throw new Error(`not a ScenarioError in ${where}`, { cause: err });
        expect(err.message, where).not.toMatch(/[\n\r]/);
        expect(err.message.startsWith(`${err.file}:`), where).toBe(true);
        expect(err.message, where).not.toContain('    at ');
        expect(err.message, where).not.toMatch(/"code":|"path":\[/);
        expect(err.message.length, where).toBeLessThan(2500);
        expect(err.issues.length, where).toBeGreaterThan(0);
        for (const issue of err.issues) expect(issue.message, where).not.toMatch(/[\n\r]/);
        refused++;
      }
    }
    expect(loaded + refused).toBe(CASES);
    expect(refused).toBeGreaterThan(CASES / 2);
  },
  120_000 * SCALE,
);
