// Regenerates schema/scenario.schema.json from the zod schema:
//   node dist/scenario/write-json-schema.js [out-file]
// test/scenario/json-schema.test.ts fails when the committed file is stale.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeScenarioJsonSchema } from './json-schema.js';

// src/scenario/ and dist/scenario/ both sit two levels below the repository root.
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const outFile = path.resolve(process.argv[2] ?? path.join(repoRoot, 'schema', 'scenario.schema.json'));

await writeScenarioJsonSchema(outFile);
process.stdout.write(`wrote ${path.relative(process.cwd(), outFile) || outFile}\n`);
