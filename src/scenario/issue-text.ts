// Turns zod issues into sentences a scenario author can act on ("must be a list,
// not a string", "unknown field; did you mean title?"), with the path of the
// offending field. zod's own messages are kept only where the schema wrote them.
import type { z } from 'zod';
import { quote } from './errors.js';
import { andList, closeMatches, orList } from './suggest.js';

type Issue = z.core.$ZodIssue;
type Seg = PropertyKey;

export interface ExplainedIssue {
  /** From the root of the data that was validated. */
  path: Seg[];
  problem: string;
  /** The field is absent (its parent exists): point at the parent. */
  missing?: boolean;
}

/** The parts of a zod schema's definition this module looks at. */
interface Def {
  type: string;
  innerType?: Schema;
  in?: Schema;
  getter?: () => Schema;
  shape?: Record<string, Schema>;
  element?: Schema;
  valueType?: Schema;
  keyType?: Schema;
  options?: Schema[];
  entries?: Record<string, unknown>;
}
interface Schema {
  _zod: { def: Def };
}

interface Context {
  /** The whole data that was validated. */
  root: unknown;
  /** Path of the value the issue paths are relative to (a union's value when explaining its options). */
  base: Seg[];
  /** Schema of the value at `base`, when known. */
  schema: Schema | undefined;
}

/** Explains every issue; `schema` is the schema that produced them, `data` what it validated. */
export function explainZodIssues(issues: readonly Issue[], data: unknown, schema: z.ZodType | undefined): ExplainedIssue[] {
  const ctx: Context = { root: data, base: [], schema: schema as unknown as Schema | undefined };
  const explained = issues.flatMap((issue) => explain(issue, ctx));
  // A misspelt field shows up twice: as unknown ("titel") and as missing ("title").
  // The unknown one already says "did you mean title?"; drop the missing one.
  const suggested = new Set(explained.flatMap((e) => (e.suggestion ? [pathKey([...e.path.slice(0, -1), e.suggestion])] : [])));
  return explained.filter((e) => !(e.missing && suggested.has(pathKey(e.path)))).map(({ suggestion: _, ...e }) => e);
}

function pathKey(path: readonly Seg[]): string {
  return JSON.stringify(path.map((s) => (typeof s === 'symbol' ? String(s) : s)));
}

interface Draft extends ExplainedIssue {
  /** For an unknown field: the known field it is probably a misspelling of. */
  suggestion?: string;
}

function explain(issue: Issue, ctx: Context): Draft[] {
  const path = [...ctx.base, ...issue.path];
  const value = getAt(ctx.root, path);
  const last = path[path.length - 1];
  const own = (message: string): string => stripFieldName(message, last);
  switch (issue.code) {
    case 'invalid_type': {
      if (value === undefined) {
        const parent = getAt(ctx.root, path.slice(0, -1));
        if (isPlainObject(parent)) return [{ path, problem: 'required field is missing; add it', missing: true }];
      }
      return [{ path, problem: `must be ${expectedText(issue.expected)}, not ${describeValue(value)}` }];
    }
    case 'unrecognized_keys': {
      const allowed = allowedKeys(schemaAt(ctx.schema, issue.path), value);
      return issue.keys.map((key) => {
        const near = closeMatches(key, allowed, 1);
        const suggestion = near[0];
        let problem = 'unknown field';
        if (near.length > 0) problem += `; did you mean ${near[0]}?`;
        else if (allowed.length > 0) problem += `; the fields allowed here are ${andList(allowed)}`;
        else problem += '; remove it';
        return suggestion === undefined ? { path: [...path, key], problem } : { path: [...path, key], problem, suggestion };
      });
    }
    case 'invalid_value': {
      const values = issue.values.map((v) => String(v));
      let problem = `must be ${values.length === 1 ? values[0] : `one of ${orList(values)}`}, not ${describeValue(value)}`;
      if (typeof value === 'string') {
        const near = closeMatches(value, values, 1);
        if (near.length > 0) problem += ` (did you mean ${near[0]}?)`;
      }
      return [{ path, problem }];
    }
    case 'invalid_format': {
      let problem: string;
      if (!issue.message.startsWith('Invalid')) problem = own(issue.message);
      else if (issue.format === 'regex' && issue.pattern) problem = `must match the pattern ${issue.pattern}`;
      else problem = `must be a valid ${issue.format}`;
      if (typeof value === 'string') problem += `, not ${quote(value, 50)}`;
      return [{ path, problem }];
    }
    case 'too_small':
      return [{ path, problem: sizeProblem('at least', issue.origin, Number(issue.minimum), issue.inclusive !== false, value) }];
    case 'too_big':
      return [{ path, problem: sizeProblem('at most', issue.origin, Number(issue.maximum), issue.inclusive !== false, value) }];
    case 'not_multiple_of':
      return [{ path, problem: `must be a multiple of ${issue.divisor}` }];
    case 'invalid_key': {
      const key = String(last ?? '');
      const inner = issue.issues[0];
      const innerProblem = inner ? explain(inner, { root: key, base: [], schema: undefined })[0]?.problem : undefined;
      return [{ path, problem: `the key ${quote(key, 40)} ${(innerProblem ?? 'is not allowed').replace(/, not "[^"]*"$/, '')}` }];
    }
    case 'invalid_element':
      return [{ path, problem: 'has an entry that is not allowed' }];
    case 'invalid_union':
      return explainUnion(issue, ctx, path, value);
    case 'custom':
      return [{ path, problem: own(issue.message || 'is not allowed') }];
    default:
      return [{ path, problem: 'is not allowed' }];
  }
}

function explainUnion(issue: Extract<Issue, { code: 'invalid_union' }>, ctx: Context, path: Seg[], value: unknown): Draft[] {
  const here = unwrap(schemaAt(ctx.schema, issue.path));
  const optionSchemas = here?._zod.def.type === 'union' ? (here._zod.def.options ?? []) : [];
  const forms = optionSchemas.length > 0 ? orList(optionSchemas.map(describeSchema)) : undefined;
  const generic = [{ path, problem: forms ? `must be ${forms}, not ${describeValue(value)}` : 'does not match any of the allowed forms' }];
  if (issue.errors.length === 0) return generic;

  // Pick the option the author most likely meant: the right type, the fewest
  // missing and unknown fields. Explain its problems; if even that option does
  // not fit (wrong type, none of its fields present), list the allowed forms.
  const dataKeys = isPlainObject(value) ? Object.keys(value) : [];
  let best = -1;
  let bestScore = Infinity;
  issue.errors.forEach((optionIssues, i) => {
    let score = 0;
    for (const inner of optionIssues) {
      if (inner.path.length === 0 && inner.code === 'invalid_type') score += 1000;
      else if (inner.code === 'unrecognized_keys') score += 10 * inner.keys.length;
      else if (inner.code === 'invalid_type' && getAt(value, inner.path) === undefined) score += 10;
      else score += 1;
    }
    const shape = unwrap(optionSchemas[i])?._zod.def.shape;
    if (shape && isPlainObject(value) && !dataKeys.some((k) => k in shape)) score += 1000;
    if (score < bestScore) {
      bestScore = score;
      best = i;
    }
  });
  if (best < 0 || bestScore >= 1000) return generic;
  const inner: Context = { root: ctx.root, base: path, schema: optionSchemas[best] };
  return (issue.errors[best] ?? []).flatMap((i) => explain(i, inner));
}

function sizeProblem(bound: 'at least' | 'at most', origin: string, n: number, inclusive: boolean, value: unknown): string {
  switch (origin) {
    case 'array': {
      const count = Array.isArray(value) ? `, not ${value.length}` : '';
      return `must list ${bound} ${n} ${n === 1 ? 'item' : 'items'}${count}`;
    }
    case 'string':
      if (bound === 'at least' && n === 1) return 'must not be empty';
      return `must be ${bound} ${n} characters long`;
    case 'number':
    case 'int':
    case 'bigint': {
      const words = inclusive ? bound : bound === 'at least' ? 'more than' : 'less than';
      return `must be ${words} ${n}${typeof value === 'number' ? `, not ${value}` : ''}`;
    }
    default:
      return bound === 'at least' ? 'is too small' : 'is too large';
  }
}

function expectedText(expected: string): string {
  switch (expected) {
    case 'string':
      return 'a string';
    case 'number':
      return 'a number';
    case 'int':
      return 'a whole number';
    case 'boolean':
      return 'true or false';
    case 'array':
    case 'tuple':
    case 'set':
      return 'a list';
    case 'object':
    case 'record':
    case 'map':
      return 'a mapping';
    case 'null':
      return 'empty';
    default:
      return expected;
  }
}

/** How a value from the file reads in a message. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'missing';
  if (value === null) return 'empty';
  if (typeof value === 'string') return value === '' ? 'an empty string' : `the text ${quote(value, 40)}`;
  if (typeof value === 'number') return Number.isFinite(value) ? `the number ${value}` : `the number ${String(value)}`;
  if (typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return 'a list';
  if (isPlainObject(value)) return 'a mapping';
  return 'a value of another type';
}

function describeSchema(schema: Schema): string {
  const s = unwrap(schema);
  if (!s) return 'another form';
  const def = s._zod.def;
  switch (def.type) {
    case 'object':
      return `{${Object.keys(def.shape ?? {})
        .map((k) => `${k}: …`)
        .join(', ')}}`;
    case 'record':
      return 'a mapping';
    case 'array':
      return 'a list';
    case 'enum':
      return `one of ${orList(Object.keys(def.entries ?? {}))}`;
    default:
      return expectedText(def.type);
  }
}

/** Drops the field's own name from the front of a schema message ("cause must be …" → "must be …"). */
function stripFieldName(message: string, last: Seg | undefined): string {
  if (typeof last === 'string' && message.startsWith(`${last} `)) return message.slice(last.length + 1);
  return message;
}

/** The keys a mapping may have here; for a union, those of the form that fits the value best. */
function allowedKeys(schema: Schema | undefined, value: unknown): string[] {
  const s = unwrap(schema);
  if (!s) return [];
  const def = s._zod.def;
  if (def.type === 'object') return Object.keys(def.shape ?? {});
  if (def.type === 'record') {
    const keyType = unwrap(def.keyType);
    return keyType?._zod.def.type === 'enum' ? Object.keys(keyType._zod.def.entries ?? {}) : [];
  }
  if (def.type === 'union') {
    const keys = isPlainObject(value) ? Object.keys(value) : [];
    let best: string[] = [];
    let bestHits = -1;
    for (const option of def.options ?? []) {
      const shape = unwrap(option)?._zod.def.shape;
      if (!shape) continue;
      const hits = keys.filter((k) => k in shape).length;
      if (hits > bestHits) {
        bestHits = hits;
        best = Object.keys(shape);
      }
    }
    return best;
  }
  return [];
}

function unwrap(schema: Schema | undefined): Schema | undefined {
  let s = schema;
  for (let i = 0; s && i < 20; i++) {
    const def = s._zod.def;
    if (['optional', 'nullable', 'default', 'prefault', 'readonly', 'catch', 'nonoptional'].includes(def.type)) s = def.innerType;
    else if (def.type === 'pipe') s = def.in;
    else if (def.type === 'lazy' && def.getter) s = def.getter();
    else return s;
  }
  return s;
}

/** The schema of the value at `path` below `schema`, when it can be told. */
function schemaAt(schema: Schema | undefined, path: readonly Seg[]): Schema | undefined {
  let s = schema;
  for (const seg of path) {
    s = unwrap(s);
    if (!s) return undefined;
    const def = s._zod.def;
    if (def.type === 'object') s = def.shape?.[String(seg)];
    else if (def.type === 'array') s = def.element;
    else if (def.type === 'record') s = def.valueType;
    else if (def.type === 'union')
      s = (def.options ?? []).map(unwrap).find((o) => o?._zod.def.shape && String(seg) in o._zod.def.shape!)?._zod.def.shape?.[String(seg)];
    else return undefined;
  }
  return s;
}

/** The value at `path`, or undefined when the path leaves the data. */
export function getAt(root: unknown, path: readonly Seg[]): unknown {
  let v = root;
  for (const seg of path) {
    if (Array.isArray(v) && typeof seg === 'number') v = v[seg];
    else if (isPlainObject(v) && typeof seg !== 'symbol' && Object.hasOwn(v, seg)) v = v[String(seg)];
    else return undefined;
  }
  return v;
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
