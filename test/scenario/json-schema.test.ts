import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { scenarioJsonSchema, scenarioJsonSchemaText } from '../../src/scenario/json-schema.js';

const committed = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'schema', 'scenario.schema.json');

describe('scenario JSON Schema', () => {
  it('is committed and up to date (regenerate with node dist/scenario/write-json-schema.js)', async () => {
    expect(await readFile(committed, 'utf8')).toBe(scenarioJsonSchemaText());
  });

  it('describes the fields and every step kind', () => {
    const schema = scenarioJsonSchema() as {
      $schema: string;
      required: string[];
      additionalProperties: boolean;
      properties: Record<string, { items?: { anyOf?: { required: string[] }[] } }>;
    };
    expect(schema.$schema).toBe('http://json-schema.org/draft-07/schema#');
    expect(schema.additionalProperties).toBe(false);
    // Fields with defaults are optional in the file.
    expect(schema.required).not.toContain('setup');
    expect(schema.required).toContain('diagnosis');
    expect(schema.properties.fault!.items!.anyOf!.map((f) => f.required[0])).toEqual(['apply', 'delete', 'patch', 'scale', 'restart', 'nodeExec']);
  });

  it('describes params, and lets constrained fields (not id) take a {{ params.name }} placeholder', () => {
    const schema = scenarioJsonSchema() as any;
    expect(schema.properties.params.additionalProperties.properties.choose.type).toBe('array');
    expect(schema.properties.params.propertyNames.pattern).toBe('^[a-z][a-zA-Z0-9_]*$');
    const placeholder = (field: any) => field.anyOf?.find((f: any) => f.pattern === '\\{\\{.*\\}\\}');
    expect(placeholder(schema.properties.symptom.properties.from)).toBeDefined();
    expect(schema.properties.symptom.properties.expect.default).toBe('failure');
    expect(placeholder(schema.properties.diagnosis.properties.object)).toBeDefined();
    expect(placeholder(schema.properties.id)).toBeUndefined();
    const scale = schema.properties.fault.items.anyOf.find((f: any) => f.required[0] === 'scale');
    expect(placeholder(scale.properties.scale.properties.replicas)).toBeDefined();
    expect(new RegExp(placeholder(schema.properties.symptom.properties.from).pattern).test('{{ params.namespace }}/frontend')).toBe(true);
  });
});
