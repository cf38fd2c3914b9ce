// Manifests given on the command line (-f FILE) get the same checks as scenario manifests.
import fs from 'node:fs';
import path from 'node:path';
import { UserError } from '../errors.js';
import type { KubeObject } from '../k8s/objects.js';
import { loadManifestFile } from '../scenario/manifests.js';

export async function readManifestArg(file: string): Promise<KubeObject[]> {
  const abs = path.resolve(file);
  if (!fs.existsSync(abs)) throw new UserError(`-f ${file}: no such file`);
  const objects = await loadManifestFile(abs, file);
  if (objects.length === 0) throw new UserError(`-f ${file}: the file holds no Kubernetes object`);
  return objects;
}
