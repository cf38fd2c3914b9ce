// The published JSON Schema of scenario.yaml, generated from the zod schema so
// the two cannot drift apart. Editors (yaml-language-server) use it through the
// `# yaml-language-server: $schema=../../schema/scenario.schema.json` line.
import { writeFile } from 'node:fs/promises';
import { z } from 'zod';
import { faultKinds } from '../faults/registry.js';
import { Scenario } from './schema.js';

/**
 * The Scenario schema with each step spelled out per fault kind, so an editor
 * can complete `- apply:` and check its parameters; the loader checks steps
 * against the same kinds.
 */
function editorSchema(): z.ZodType {
  const forms = faultKinds.map((kind) =>
    z
      .object({ [kind.name]: kind.params })
      .strict()
      .describe(`the ${kind.name} step`),
  );
  const step = z.union(forms as unknown as [z.ZodType, z.ZodType, ...z.ZodType[]]);
  return Scenario.extend({ fault: z.array(step).min(1), fix: z.array(step).min(1) });
}

type JsonSchema = Record<string, unknown>;

/** What an editor should accept in place of a constrained value: a `{{ params.name }}` placeholder. */
const PLACEHOLDER: JsonSchema = { type: 'string', pattern: '\\{\\{.*\\}\\}', description: 'a {{ params.name }} placeholder, filled in from the variant' };

/**
 * A value with a pattern, a list of allowed values or a number type may also be
 * a placeholder (the loader checks the filled-in value). Without this, an
 * editor would mark `from: "{{ params.namespace }}/frontend"` as wrong.
 */
function allowPlaceholders(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(allowPlaceholders);
  if (typeof node !== 'object' || node === null) return node;
  const schema = node as JsonSchema;
  const out: JsonSchema = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'properties' && typeof value === 'object' && value !== null) {
      out[key] = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, allowPlaceholders(v)]));
    } else if (['items', 'anyOf', 'oneOf', 'allOf', 'additionalProperties'].includes(key)) out[key] = allowPlaceholders(value);
    else out[key] = value;
  }
  const constrained = 'pattern' in out || 'enum' in out || out.type === 'integer' || out.type === 'number';
  if (!constrained) return out;
  const { description, default: defaultValue, ...rest } = out;
  return {
    ...(description !== undefined ? { description } : {}),
    ...(defaultValue !== undefined ? { default: defaultValue } : {}),
    anyOf: [rest, PLACEHOLDER],
  };
}

/** The JSON Schema (draft-07, which yaml-language-server understands) of a scenario file's input. */
export function scenarioJsonSchema(): Record<string, unknown> {
  const generated = z.toJSONSchema(editorSchema(), { target: 'draft-7', io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  // id and params are written out; every other field may use placeholders.
  const properties = generated.properties as Record<string, unknown>;
  generated.properties = Object.fromEntries(Object.entries(properties).map(([k, v]) => [k, k === 'id' || k === 'params' ? v : allowPlaceholders(v)]));
  const { $schema, ...rest } = generated;
  return {
    $schema,
    title: 'netbreak scenario',
    description:
      'A netbreak scenario (scenarios/<id>/scenario.yaml): one Kubernetes networking fault, its symptom, the graded diagnosis and the checks of the fix. Generated from src/scenario/schema.ts; do not edit.',
    ...rest,
  };
}

/** The file's text: stable key order as generated, two-space indent, final newline. */
export function scenarioJsonSchemaText(): string {
  return `${JSON.stringify(scenarioJsonSchema(), null, 2)}\n`;
}

export async function writeScenarioJsonSchema(outFile: string): Promise<void> {
  await writeFile(outFile, scenarioJsonSchemaText());
}
