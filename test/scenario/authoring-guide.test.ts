// The complete example in docs/writing-scenarios.md must be a valid scenario, every
// variant of it: the guide is written from it and cannot go stale.
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadScenario } from '../../src/scenario/loader.js';
import { validateScenario } from '../../src/scenario/validate.js';

const GUIDE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'docs', 'writing-scenarios.md');

/** The fenced blocks that follow a `<!-- file: path -->` comment, by path. */
function exampleFiles(markdown: string): Map<string, string> {
  const files = new Map<string, string>();
  for (const m of markdown.matchAll(/<!-- file: (\S+) -->\n```yaml\n([\s\S]*?)\n```/g)) files.set(m[1]!, `${m[2]!}\n`);
  return files;
}

let root: string;
let dir: string;
beforeAll(async () => {
  const files = exampleFiles(await readFile(GUIDE, 'utf8'));
  expect([...files.keys()]).toEqual(['scenario.yaml', 'manifests/app.yaml']);
  root = await mkdtemp(path.join(os.tmpdir(), 'netbreak-guide-'));
  dir = path.join(root, 'port-blocked-on-node');
  for (const [rel, text] of files) {
    await mkdir(path.dirname(path.join(dir, rel)), { recursive: true });
    await writeFile(path.join(dir, rel), text);
  }
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

it('the example in docs/writing-scenarios.md validates, every variant', async () => {
  const result = await validateScenario(dir);
  expect(result.issues).toEqual([]);
  expect(result.variants).toEqual({ checked: 18, total: 18 });
});

it('fills in the variant, keeping numbers numbers and !!str text', async () => {
  const { scenario, manifests } = await loadScenario(dir, { params: { namespace: 'store', port: 9090, node: 'worker2' } });
  expect(scenario.fault[0]).toEqual({
    nodeExec: {
      node: 'worker2',
      run: ['iptables', '-I', 'FORWARD', '-p', 'tcp', '--dport', '9090', '-m', 'comment', '--comment', 'INC-4711 temp', '-j', 'DROP'],
      undo: ['iptables', '-D', 'FORWARD', '-p', 'tcp', '--dport', '9090', '-m', 'comment', '--comment', 'INC-4711 temp', '-j', 'DROP'],
    },
  });
  expect(scenario.diagnosis.object).toBe('Node/worker2');
  const api = manifests.get('manifests/app.yaml')!.find((o) => o.kind === 'Deployment' && o.metadata.name === 'api')!;
  expect(JSON.stringify(api.spec)).toContain('"containerPort":9090');
  expect(JSON.stringify(api.spec)).toContain('"--http-port=9090"');
});
