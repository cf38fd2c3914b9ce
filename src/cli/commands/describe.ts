import type { Command } from 'commander';
import { attachLab } from '../../engine/current-lab.js';
import { UserError } from '../../errors.js';
import { describeObject } from '../describe-object.js';
import { isClusterScoped, parseResourceRef } from '../../k8s/kinds.js';
import { podsOfWorkload } from '../../k8s/pod-workload.js';
import { printJson, println } from '../output.js';

export async function run(ref: string, name: string | undefined, options: { namespace: string; lab?: string }, command: Command): Promise<void> {
  const { kind, name: objectName } = parseResourceRef(ref, name);
  if (!objectName) throw new UserError(`say which ${kind.toLowerCase()}: netbreak describe ${ref.split('/')[0]}/NAME -n NAMESPACE`);
  const lab = await attachLab(options.lab);
  const namespace = isClusterScoped(kind) ? undefined : options.namespace;
  const object = await lab.get({ kind, name: objectName, ...(namespace ? { namespace } : {}) });
  if (!object) throw new UserError(`${kind} "${objectName}" not found${namespace ? ` in namespace ${namespace}` : ''}`, 1);
  if (command.optsWithGlobals().json) return printJson(object);
  const endpoints = kind === 'Service' ? await lab.get({ kind: 'Endpoints', namespace, name: objectName }) : undefined;
  const pods = ['Deployment', 'DaemonSet'].includes(kind)
    ? podsOfWorkload(object, await lab.list('ReplicaSet', namespace), await lab.list('Pod', namespace))
    : undefined;
  println(describeObject(object, { endpoints, pods }));
}
