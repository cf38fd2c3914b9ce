import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Command } from 'commander';
import YAML from 'yaml';
import { attachLab } from '../../engine/current-lab.js';
import { UserError } from '../../errors.js';
import { runInteractive } from '../../exec.js';
import { loadManifestFile } from '../../scenario/manifests.js';
import { isClusterScoped, parseResourceRef } from '../../k8s/kinds.js';
import { println } from '../output.js';

export async function run(ref: string, options: { namespace: string; lab?: string }, _command: Command): Promise<void> {
  const { kind, name } = parseResourceRef(ref);
  if (!name) throw new UserError(`say which ${kind.toLowerCase()} to edit: netbreak edit ${ref}/NAME -n NAMESPACE`);
  const lab = await attachLab(options.lab);
  const namespace = isClusterScoped(kind) ? undefined : options.namespace;
  const current = await lab.get({ kind, name, ...(namespace ? { namespace } : {}) });
  if (!current) throw new UserError(`${kind} "${name}" not found${namespace ? ` in namespace ${namespace}` : ''}`, 1);
  const { status: _status, ...editable } = current;
  const meta = { ...editable.metadata };
  for (const k of ['uid', 'resourceVersion', 'generation', 'creationTimestamp'] as const) delete meta[k];
  const text = YAML.stringify({ ...editable, metadata: meta });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netbreak-edit-'));
  const file = path.join(dir, `${kind.toLowerCase()}-${name}.yaml`);
  try {
    fs.writeFileSync(file, text);
    const editor = process.env.KUBE_EDITOR ?? process.env.EDITOR ?? 'vi';
    // Like kubectl, the editor setting is a shell command line (it may carry flags).
    const code = await runInteractive(['sh', '-c', `${editor} "$1"`, 'sh', file]);
    if (code !== 0) throw new UserError(`the editor (${editor}) exited with code ${code}; nothing was changed`, 1);
    const edited = fs.readFileSync(file, 'utf8');
    if (edited === text) return println('Edit cancelled, no changes made.');
    const [object] = await loadManifestFile(file, file);
    if (!object || object.kind !== kind || object.metadata.name !== name)
      throw new UserError('the edited object must keep its kind and name; nothing was changed');
    await lab.apply([object]);
    println(`${kind.toLowerCase()}/${name} edited`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
