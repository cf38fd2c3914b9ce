import type { Command } from 'commander';
import YAML from 'yaml';
import { attachLab } from '../../engine/current-lab.js';
import { UserError } from '../../errors.js';
import { labKubeProxyMode } from '../kube-proxy-mode.js';
import { tableFor } from '../object-tables.js';
import { isClusterScoped, parseResourceRef } from '../../k8s/kinds.js';
import { kubectlTable, printJson, println } from '../output.js';

interface GetOptions {
  namespace: string;
  allNamespaces?: boolean;
  output?: string;
  showLabels?: boolean;
  lab?: string;
}

export async function run(resource: string, name: string | undefined, options: GetOptions, command: Command): Promise<void> {
  const { kind, name: one } = parseResourceRef(resource, name);
  const output = command.optsWithGlobals().json ? 'json' : options.output;
  if (output && !['wide', 'yaml', 'json'].includes(output)) throw new UserError(`-o ${output} is not supported: use -o wide, -o yaml or -o json`);
  const lab = await attachLab(options.lab);
  const clusterScoped = isClusterScoped(kind);
  const namespace = clusterScoped || options.allNamespaces ? undefined : options.namespace;
  let objects = await lab.list(kind, namespace);
  if (one) {
    objects = objects.filter((o) => o.metadata.name === one);
    if (objects.length === 0) {
      throw new UserError(
        `${kind.toLowerCase()} "${one}" not found${namespace ? ` in namespace ${namespace}` : ''} (list them with "netbreak get ${resource.split('/')[0]}${namespace ? ` -n ${namespace}` : ' -A'}")`,
        1,
      );
    }
  }
  if (output === 'json' || output === 'yaml') {
    const value = one ? objects[0] : { apiVersion: 'v1', kind: 'List', items: objects, metadata: { resourceVersion: '' } };
    if (output === 'json') printJson(value);
    else process.stdout.write(YAML.stringify(value));
    return;
  }
  if (objects.length === 0) {
    println(namespace ? `No resources found in ${namespace} namespace.` : 'No resources found');
    return;
  }
  const { head, rows } = tableFor(kind, objects, { wide: output === 'wide', allNamespaces: Boolean(options.allNamespaces) && !clusterScoped });
  if (kind === 'Node' && output === 'wide') {
    // Not a kube-apiserver column: the one thing about a node this trainer's stories turn on.
    const mode = (await labKubeProxyMode(lab)) ?? '<unknown>';
    head.push('KUBE-PROXY');
    rows.forEach((row) => row.push(mode));
  }
  if (options.showLabels) {
    head.push('LABELS');
    objects.forEach((o, i) =>
      rows[i]!.push(
        Object.entries(o.metadata.labels ?? {})
          .map(([k, v]) => `${k}=${v}`)
          .join(',') || '<none>',
      ),
    );
  }
  println(kubectlTable(head, rows));
}
