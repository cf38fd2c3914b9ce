// `{{ params.name }}` placeholders in scenario files. They are replaced inside
// the parsed YAML document, scalar by scalar, after parsing and before anything
// reads the values: a value can never change the YAML's structure, and every
// line number (of a placeholder, or of a later schema error) is the line in the
// file the author wrote. A scalar that is exactly one placeholder takes the
// parameter's own type (`port: "{{ params.port }}"` is the number 8080), unless
// tagged `!!str`; inside longer text the value is written as text.
import { isMap, isPair, isScalar, isSeq, visit, type Document, type LineCounter, type Scalar } from 'yaml';
import { ScenarioError, formatPath, makeIssue, quote, type ScenarioIssue } from './errors.js';
import type { ParamValue, ParamValues } from './params.js';
import { closeMatches, orList } from './suggest.js';
import type { PrepareDocument } from './yaml-source.js';

/** `{{ '{{' }}` writes two literal braces. */
const LITERAL_BRACES = new Set([`'{{'`, `"{{"`]);
/** `params.name`, or `params.name.field` for a field of a group. */
const PARAM_REF = /^params\.([A-Za-z0-9_]+(?:\.[A-Za-z0-9_]+)?)$/;
const STR_TAG = 'tag:yaml.org,2002:str';

export interface Placeholder {
  /** Where the placeholder starts in the text. */
  at: number;
  /** As written, `{{ params.port }}`. */
  raw: string;
}

export interface ExpandProblem extends Placeholder {
  problem: string;
}

export interface Expanded {
  /** The text with every placeholder replaced; the parameter's own value when the text is one placeholder. */
  value: string | ParamValue;
  changed: boolean;
  problems: ExpandProblem[];
}

/** Replaces the placeholders of one piece of text. */
export function expandPlaceholders(text: string, values: ParamValues): Expanded {
  if (!text.includes('{{')) return { value: text, changed: false, problems: [] };
  const problems: ExpandProblem[] = [];
  let out = '';
  let i = 0;
  let count = 0;
  let whole: ParamValue | undefined;
  for (;;) {
    const open = text.indexOf('{{', i);
    if (open < 0) break;
    const close = text.indexOf('}}', open + 2);
    if (close < 0) {
      problems.push({
        at: open,
        raw: '{{',
        problem: `has a {{ that is never closed; placeholders look like {{ params.name }} (write {{ '{{' }} for two literal braces)`,
      });
      break;
    }
    const raw = text.slice(open, close + 2);
    const expr = text.slice(open + 2, close).trim();
    out += text.slice(i, open);
    i = close + 2;
    count++;
    if (LITERAL_BRACES.has(expr)) {
      out += '{{';
      continue;
    }
    const ref = PARAM_REF.exec(expr);
    const name = ref?.[1];
    if (name !== undefined && Object.hasOwn(values, name)) {
      const value = values[name]!;
      out += String(value);
      if (open === 0 && close + 2 === text.length) whole = value;
      continue;
    }
    problems.push({ at: open, raw, problem: unknownProblem(raw, name, Object.keys(values)) });
  }
  out += text.slice(i);
  const value = count === 1 && whole !== undefined ? whole : out;
  return { value, changed: true, problems };
}

function unknownProblem(raw: string, name: string | undefined, declared: string[]): string {
  const shown = quote(raw, 60);
  if (name === undefined) {
    return `unknown placeholder ${shown}; placeholders look like {{ params.name }} (write {{ '{{' }} for two literal braces)`;
  }
  if (declared.length === 0) return `unknown placeholder ${shown}: this scenario declares no params; declare ${name} under params: in scenario.yaml`;
  const fields = declared.filter((d) => d.startsWith(`${name}.`));
  if (fields.length > 0) return `${shown} names a group of values; name one of its fields: ${orList(fields.map((f) => `{{ params.${f} }}`))}`;
  const near = closeMatches(name, declared, 1);
  if (near.length > 0) return `unknown placeholder ${shown}; did you mean {{ params.${near[0]} }}?`;
  return `unknown placeholder ${shown}; the params declared in scenario.yaml are ${orList(declared)}`;
}

export interface SubstituteInput {
  /** Display name of the file, for messages. */
  file: string;
  /** The file's text, to find each placeholder's line. */
  text: string;
  doc: Document.Parsed;
  lineCounter: LineCounter;
  values: ParamValues;
  /** Nodes left as written (scenario.yaml's params: section). */
  skip?: readonly unknown[];
  /** Nodes that must be written out (scenario.yaml's id), with the problem a placeholder there is. */
  literal?: ReadonlyMap<unknown, string>;
}

type Seg = string | number;

/**
 * Replaces the placeholders in every string scalar of the document (keys
 * included) in place. Returns the problems found (unknown placeholders, an
 * unquoted value starting with `{{`), each with the file, line and field.
 */
export function substituteDocument(input: SubstituteInput): ScenarioIssue[] {
  const { doc, lineCounter, values, file, text } = input;
  const skip = new Set(input.skip ?? []);
  const issues: ScenarioIssue[] = [];
  const changedKeys = new Set<unknown>();
  const issueAt = (offset: number | undefined, segs: Seg[], problem: string): void => {
    const line = offset === undefined ? undefined : lineCounter.linePos(offset).line;
    issues.push(makeIssue({ file, ...(line !== undefined ? { line } : {}), path: formatPath(segs), problem }));
  };

  visit(doc, {
    Map(_, node, ancestors) {
      if (skip.has(node)) return visit.SKIP;
      // `port: {{ params.port }}` is a YAML flow mapping, not text: the author forgot the quotes.
      const start = node.range?.[0];
      if (node.flow && start !== undefined && text.startsWith('{{', start)) {
        const end = text.indexOf('}}', start);
        const raw = end > start ? text.slice(start, end + 2) : '{{ … }}';
        issueAt(start, dataPath(ancestors, node), `a value that starts with {{ must be in quotes, or YAML reads it as a mapping: write ${quote(raw, 60)}`);
        return visit.SKIP;
      }
      return undefined;
    },
    Seq(_, node) {
      return skip.has(node) ? visit.SKIP : undefined;
    },
    Scalar(key, node, ancestors) {
      if (typeof node.value !== 'string' || !node.value.includes('{{')) return undefined;
      const segs = dataPath(ancestors, node);
      const literal = input.literal?.get(node);
      if (literal !== undefined) {
        issueAt(node.range?.[0], segs, literal);
        return undefined;
      }
      const expanded = expandPlaceholders(node.value, values);
      for (const p of expanded.problems) issueAt(placeholderOffset(text, node, p), segs, p.problem);
      if (expanded.problems.length > 0 || !expanded.changed) return undefined;
      // `!!str "{{ params.port }}"`: text even when the value is a number (a command's argument, a label value).
      (node as Scalar<unknown>).value = node.tag === STR_TAG ? String(expanded.value) : expanded.value;
      if (key === 'key') changedKeys.add(ancestors[ancestors.length - 2]);
      return undefined;
    },
  });

  // A substituted key may now repeat another key of its mapping.
  for (const map of changedKeys) {
    if (!isMap(map)) continue;
    const seen = new Set<string>();
    for (const pair of map.items) {
      if (!isScalar(pair.key)) continue;
      const k = String(pair.key.value);
      if (seen.has(k))
        issueAt(pair.key.range?.[0], [k], `the key ${quote(k, 60)} appears twice in this mapping once its placeholders are filled in; rename one`);
      seen.add(k);
    }
  }
  return issues;
}

/** The field a node is at, from its ancestors (Document, Map, Pair, Seq …) as yaml's visit gives them. */
function dataPath(ancestors: readonly unknown[], node: unknown): Seg[] {
  const chain = [...ancestors, node];
  const segs: Seg[] = [];
  for (let i = 0; i < chain.length - 1; i++) {
    const a = chain[i];
    const next = chain[i + 1];
    if (isSeq(a)) segs.push(a.items.indexOf(next as never));
    else if (isPair(a)) segs.push(isScalar(a.key) ? String(a.key.value) : '?');
  }
  return segs;
}

/**
 * Where a placeholder is in the file: found in the scalar's source text (the
 * n-th time it appears there for its n-th appearance in the value), which is
 * right for plain, quoted and block scalars alike; the scalar's start otherwise.
 */
function placeholderOffset(text: string, node: Scalar, p: Placeholder): number | undefined {
  const range = node.range;
  if (!range) return undefined;
  const value = String(node.value);
  let nth = 0;
  for (let i = value.indexOf(p.raw); i >= 0 && i < p.at; i = value.indexOf(p.raw, i + 1)) nth++;
  const source = text.slice(range[0], range[1]);
  let at = -1;
  for (let k = 0; k <= nth; k++) {
    at = source.indexOf(p.raw, at + 1);
    if (at < 0) return range[0];
  }
  return range[0] + at;
}

/** A yaml-source prepare step that fills in `values` and throws every problem of the document as one ScenarioError. */
export function substituteOrThrow(values: ParamValues): PrepareDocument {
  return (parsed) => {
    const issues = substituteDocument({ ...parsed, values });
    if (issues.length > 0) throw ScenarioError.fromIssues(issues);
  };
}
