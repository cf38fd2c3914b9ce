import type { Command } from 'commander';
import { attachLab } from '../../engine/current-lab.js';
import { UserError } from '../../errors.js';
import { refOf, type ObjectRef } from '../../k8s/objects.js';
import { readManifestArg } from '../manifest-file.js';
import { isClusterScoped, parseResourceRef } from '../../k8s/kinds.js';
import { printJson, println } from '../output.js';

export async function run(ref: string | undefined, options: { filename?: string; namespace: string; lab?: string }, command: Command): Promise<void> {
  let refs: ObjectRef[];
  if (options.filename) refs = (await readManifestArg(options.filename)).map(refOf);
  else if (ref) {
    const { kind, name } = parseResourceRef(ref);
    if (!name) throw new UserError(`say which ${kind.toLowerCase()} to delete: netbreak delete ${ref}/NAME -n NAMESPACE`);
    refs = [{ kind, name, ...(isClusterScoped(kind) ? {} : { namespace: options.namespace }) }];
  } else throw new UserError('say what to delete: netbreak delete -f FILE, or netbreak delete kind/name -n NAMESPACE');
  const lab = await attachLab(options.lab);
  const results = [];
  for (const r of refs) results.push({ ref: `${r.kind.toLowerCase()}/${r.name}`, namespace: r.namespace, deleted: await lab.delete(r) });
  if (command.optsWithGlobals().json) return printJson({ deleted: results });
  for (const r of results) println(r.deleted ? `${r.ref} deleted` : `${r.ref} not found${r.namespace ? ` in namespace ${r.namespace}` : ''}`);
  if (results.some((r) => !r.deleted)) process.exitCode = 1;
}
