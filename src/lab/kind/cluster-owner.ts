// Whether a kind cluster is netbreak's: its nodes carry netbreak's created-by
// label. netbreak changes only clusters it created; every other one is refused.
import { KubeConfig } from '@kubernetes/client-node';
import { PreflightError } from '../../errors.js';
import { KubeClient } from '../kube-api/kube-client.js';
import { CREATED_BY_LABEL } from '../kube-api/labels.js';
import type { ContainerEngine } from '../state.js';
import { getKubeconfig } from './kind-cli.js';

const CREATED_BY_SELECTOR = `${CREATED_BY_LABEL}=netbreak`;

/** Whether the cluster behind `c` is one netbreak created (its nodes carry netbreak's label). */
export async function createdByNetbreak(c: KubeClient): Promise<boolean> {
  return (await c.list('Node', undefined, CREATED_BY_SELECTOR)).length > 0;
}

/** Whether an existing kind cluster's nodes carry netbreak's label; a cluster that does not answer is not known to be ours. */
export async function clusterMadeByNetbreak(cluster: string, engine: ContainerEngine): Promise<boolean> {
  try {
    const config = new KubeConfig();
    config.loadFromString(await getKubeconfig(cluster, engine));
    return await createdByNetbreak(new KubeClient(config));
  } catch {
    return false;
  }
}

export function refusal(cluster: string): PreflightError {
  return new PreflightError(
    `the kind cluster "${cluster}" was not created by netbreak, so netbreak will not change it: use another lab name (--lab NAME), or delete that cluster yourself ("kind delete cluster --name ${cluster}")`,
  );
}
