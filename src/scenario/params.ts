// Seeded variants. A scenario declares parameters and their choices under
// `params:`; a seed picks one choice of each, and `{{ params.name }}`
// placeholders in scenario.yaml and its manifests take the picked values (see
// substitute.ts). Two workshop attendees with different seeds get different
// names, namespaces and ports for the same story, so they cannot share answers,
// and the same seed always gives the same variant (that is how reset and a
// trainer's `start --seed` reproduce one).
import { randomInt } from 'node:crypto';
import { z } from 'zod';

export type ParamValue = string | number;
/** The value of every declared parameter, by name. */
export type ParamValues = Readonly<Record<string, ParamValue>>;

export const PARAM_NAME = /^[a-z][a-zA-Z0-9_]*$/;
/** More parameters than this would make a story nobody can keep in their head. */
export const MAX_PARAMS = 16;
export const MAX_CHOICES = 32;

const Choice = z.union([
  z
    .string()
    .min(1)
    .max(253)
    // eslint-disable-next-line no-control-regex
    .regex(/^[^\u0000-\u001f\u007f]*$/, { message: 'must be one line of text' })
    .refine((s) => !s.includes('{{'), { message: 'is a choice, so it cannot use a placeholder; write the value out' }),
  z.number().finite(),
]);

export const ParamSpec = z
  .object({
    /** The values this parameter can take; the seed picks one. */
    choose: z.array(Choice).min(1).max(MAX_CHOICES).describe('the values this parameter can take (text or numbers); the seed picks one'),
  })
  .strict()
  .describe('one parameter: {choose: [a, b, c]}')
  .refine((p) => new Set(p.choose.map((c) => `${typeof c}:${c}`)).size === p.choose.length, {
    message: 'lists the same choice twice; each choice must be different',
    path: ['choose'],
  });
export type ParamSpec = z.infer<typeof ParamSpec>;

export const ParamsSection = z
  .record(z.string().regex(PARAM_NAME, { message: 'must be a name such as namespace or apiPort (a lower-case letter, then letters, digits or _)' }), ParamSpec)
  .refine((p) => Object.keys(p).length <= MAX_PARAMS, { message: `declares more than ${MAX_PARAMS} parameters; keep the variants simple` })
  .describe('seeded variants: each parameter and its choices; {{ params.name }} anywhere else in scenario.yaml or its manifests takes the value the seed picks');
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

/** The variant a seed picks: one choice of each parameter. */
export function drawParams(spec: ParamsSection | undefined, seed: number): ParamValues {
  if (seed === REFERENCE_SEED) return firstParams(spec);
  const values: Record<string, ParamValue> = {};
  for (const [name, p] of Object.entries(spec ?? {})) {
    values[name] = p.choose[Math.floor(seededRandom(seed, name)() * p.choose.length)]!;
  }
  return values;
}

/** The reference variant (seed 0; loading without a seed): the first choice of each parameter. */
export function firstParams(spec: ParamsSection | undefined): ParamValues {
  const values: Record<string, ParamValue> = {};
  for (const [name, p] of Object.entries(spec ?? {})) values[name] = p.choose[0]!;
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
    for (const [name, p] of entries) combos = combos.flatMap((c) => p.choose.map((v) => ({ ...c, [name]: v })));
    return combos;
  }
  const seen = new Set<string>();
  const out: ParamValues[] = [];
  const add = (v: ParamValues): void => {
    const key = JSON.stringify(entries.map(([name]) => v[name]));
    if (seen.has(key)) return;
    seen.add(key);
    out.push(v);
  };
  add(firstParams(spec));
  // Each choice of each parameter shows up at least once (next to the first choices of the others).
  for (const [name, p] of entries) for (const choice of p.choose) add({ ...firstParams(spec), [name]: choice });
  for (let seed = 1; out.length < limit && seed <= limit * 20; seed++) add(drawParams(spec, seed));
  return out;
}

/** `namespace=store, port=9090`: a variant in a message. */
export function paramsText(values: ParamValues): string {
  return Object.entries(values)
    .map(([k, v]) => `${k}=${v}`)
    .join(', ');
}
