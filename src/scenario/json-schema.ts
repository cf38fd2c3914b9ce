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
  const forms = faultKinds.map((kind) => z.object({ [kind.name]: kind.params }).strict().describe(`the ${kind.name} step`));
  const step = z.union(forms as unknown as [z.ZodType, z.ZodType, ...z.ZodType[]]);
  return Scenario.extend({ fault: z.array(step).min(1), fix: z.array(step).min(1) });
}

/** The JSON Schema (draft-07, which yaml-language-server understands) of a scenario file's input. */
export function scenarioJsonSchema(): Record<string, unknown> {
  const generated = z.toJSONSchema(editorSchema(), { target: 'draft-7', io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  const { $schema, ...rest } = generated;
  return {
    $schema,
    title: 'netbreak scenario',
    description: 'A netbreak scenario (scenarios/<id>/scenario.yaml): one Kubernetes networking fault, its symptom, the graded diagnosis and the checks of the fix. Generated from src/scenario/schema.ts; do not edit.',
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
