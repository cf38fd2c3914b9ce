// Seeded variants. A scenario declares parameters and their choices under
// `params:`; a seed picks one choice of each, and `{{ params.name }}`
// placeholders in scenario.yaml and its manifests take the picked values (see
// substitute.ts). A choice may also be a group of values that must agree (a
// node, its pod CIDR and its address), used as `{{ params.name.field }}`. Two
// workshop attendees with different seeds get different names, namespaces and
// ports for the same story, so they cannot share answers, and the same seed
// always gives the same variant (that is how reset and a trainer's
// `start --seed` reproduce one).
import { randomInt } from 'node:crypto';
import { z } from 'zod';

export type ParamValue = string | number;
/**
 * The value of every declared parameter, by name; a group's fields by
 * `name.field` (the names a placeholder uses).
 */
export type ParamValues = Readonly<Record<string, ParamValue>>;

export const PARAM_NAME = /^[a-z][a-zA-Z0-9_]*$/;
/** More parameters than this would make a story nobody can keep in their head. */
export const MAX_PARAMS = 16;
export const MAX_CHOICES = 32;
/** Fields of one group choice: the values that belong to one node, say. */
const MAX_GROUP_FIELDS = 8;

const Text = z
  .string()
  .min(1)
  .max(253)
  // eslint-disable-next-line no-control-regex
  .regex(/^[^\u0000-\u001f\u007f]*$/, { message: 'must be one line of text' })
  .refine((s) => !s.includes('{{'), { message: 'is a choice, so it cannot use a placeholder; write the value out' });
const Num = z.number().finite();

const FIELD_NAME_PROBLEM = 'must be a name such as node or podCIDR (a lower-case letter, then letters, digits or _)';

/** Values that must agree, drawn together: `{node: worker2, podCIDR: 10.244.2.0/24}`. */
const Group = z
  .record(z.string().regex(PARAM_NAME, { message: FIELD_NAME_PROBLEM }), z.union([Text, Num]))
  .refine((g) => Object.keys(g).length >= 1 && Object.keys(g).length <= MAX_GROUP_FIELDS, {
    message: `must have 1 to ${MAX_GROUP_FIELDS} fields`,
  })
  .describe('a group of values drawn together, used as {{ params.name.field }}');

const Choice = z.union([Text, Num, Group]);
type Choice = z.infer<typeof Choice>;

function isGroup(choice: Choice): choice is Record<string, ParamValue> {
  return typeof choice === 'object';
}

/** A choice as text that tells choices apart: fields in order, types kept. */
function choiceKey(choice: Choice): string {
  return isGroup(choice) ? JSON.stringify(Object.entries(choice).sort(([a], [b]) => a.localeCompare(b))) : `${typeof choice}:${choice}`;
}

function fieldList(choice: Choice): string {
  return isGroup(choice) ? Object.keys(choice).sort().join(',') : '';
}

export const ParamSpec = z
  .object({
    /** The values this parameter can take; the seed picks one. */
    choose: z
      .array(Choice)
      .min(1)
      .max(MAX_CHOICES)
      .describe('the values this parameter can take (text or numbers, or groups of them with the same fields); the seed picks one'),
  })
  .strict()
  .describe('one parameter: {choose: [a, b, c]}')
  .refine((p) => new Set(p.choose.map(choiceKey)).size === p.choose.length, {
    message: 'lists the same choice twice; each choice must be different',
    path: ['choose'],
  })
  .refine((p) => new Set(p.choose.map(fieldList)).size === 1, {
    message: 'mixes choices of different shapes; make every choice a value, or every choice a group with the same fields',
    path: ['choose'],
  });
export type ParamSpec = z.infer<typeof ParamSpec>;

export const ParamsSection = z
  .record(z.string().regex(PARAM_NAME, { message: 'must be a name such as namespace or apiPort (a lower-case letter, then letters, digits or _)' }), ParamSpec)
  .refine((p) => Object.keys(p).length <= MAX_PARAMS, { message: `declares more than ${MAX_PARAMS} parameters; keep the variants simple` })
  .describe(
    'seeded variants: each parameter and its choices; {{ params.name }} anywhere else in scenario.yaml or its manifests takes the value the seed picks',
  );
export type ParamsSection = z.infer<typeof ParamsSection>;

/** A seed for a learner who gave none: small enough to read out in a workshop. */
export function randomSeed(): number {
  return randomInt(1, 1_000_000);
}

/** FNV-1a over UTF-16 code units: a stable 32-bit hash of a short string. */
function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/**
 * A deterministic PRNG (mulberry32) for one seed and one named stream: numbers
 * in [0, 1). Only integer arithmetic, so every platform and Node version draws
 * the same sequence. Each parameter has its own stream, so adding a parameter
 * to a scenario does not change what the others draw for a seed.
 */
export function seededRandom(seed: number, stream = ''): () => number {
  return mulberry32(hash32(`${seed}\u0000${stream}`));
}

/** mulberry32: a tiny PRNG over 32-bit integer arithmetic, the same on every platform. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Seed 0 is the reference variant: the first choice of each parameter, the
 * scenario as its author reads it (what `list` and `validate` show, and what a
 * trainer demonstrates with `start --seed 0`). Random seeds start at 1.
 */
export const REFERENCE_SEED = 0;

/** What one choice of parameter `name` sets: `{name: value}`, or `{name.field: value}` for each field of a group. */
function choiceValues(name: string, choice: Choice): Record<string, ParamValue> {
  if (!isGroup(choice)) return { [name]: choice };
  return Object.fromEntries(Object.entries(choice).map(([field, value]) => [`${name}.${field}`, value]));
}

/** The placeholder names a parameter provides: itself, or `name.field` for each field of its groups. */
export function paramNames(name: string, spec: ParamSpec): string[] {
  return Object.keys(choiceValues(name, spec.choose[0]!));
}

/** Whether `values` holds one of the parameter's choices, every field of it. */
export function hasChoiceOf(name: string, spec: ParamSpec, values: ParamValues): boolean {
  return spec.choose.some((c) => Object.entries(choiceValues(name, c)).every(([k, v]) => values[k] === v));
}

/** The variant a seed picks: one choice of each parameter. */
export function drawParams(spec: ParamsSection | undefined, seed: number): ParamValues {
  if (seed === REFERENCE_SEED) return firstParams(spec);
  const values: Record<string, ParamValue> = {};
  for (const [name, p] of Object.entries(spec ?? {})) {
    Object.assign(values, choiceValues(name, p.choose[Math.floor(seededRandom(seed, name)() * p.choose.length)]!));
  }
  return values;
}

/** The reference variant (seed 0; loading without a seed): the first choice of each parameter. */
export function firstParams(spec: ParamsSection | undefined): ParamValues {
  const values: Record<string, ParamValue> = {};
  for (const [name, p] of Object.entries(spec ?? {})) Object.assign(values, choiceValues(name, p.choose[0]!));
  return values;
}

/** How many different variants the parameters make. */
export function variantCount(spec: ParamsSection | undefined): number {
  return Object.values(spec ?? {}).reduce((n, p) => n * p.choose.length, 1);
}

/**
 * The variants `scenario validate` loads: every combination when there are at
 * most `limit`, otherwise the first choices, every single choice of every
 * parameter at least once, and seeded draws up to `limit`.
 */
export function variantsToCheck(spec: ParamsSection | undefined, limit = 64): ParamValues[] {
  const entries = Object.entries(spec ?? {});
  const total = variantCount(spec);
  if (total <= limit) {
    let combos: Record<string, ParamValue>[] = [{}];
    for (const [name, p] of entries) combos = combos.flatMap((c) => p.choose.map((v) => ({ ...c, ...choiceValues(name, v) })));
    return combos;
  }
  const names = Object.keys(firstParams(spec));
  const seen = new Set<string>();
  const out: ParamValues[] = [];
  const add = (v: ParamValues): void => {
    const key = JSON.stringify(names.map((name) => v[name]));
    if (seen.has(key)) return;
    seen.add(key);
    out.push(v);
  };
  add(firstParams(spec));
  // Each choice of each parameter shows up at least once (next to the first choices of the others).
  for (const [name, p] of entries) for (const choice of p.choose) add({ ...firstParams(spec), ...choiceValues(name, choice) });
  for (let seed = 1; out.length < limit && seed <= limit * 20; seed++) add(drawParams(spec, seed));
  return out;
}

/** `namespace=store, port=9090`: a variant in a message. */
export function paramsText(values: ParamValues): string {
  return Object.entries(values)
    .map(([k, v]) => `${k}=${v}`)
    .join(', ');
}
