// The banner line that tells a learner kubectl works on their lab (netns labs serve the Kubernetes API).
import { attachLab, DEFAULT_LAB } from '../engine/current-lab.js';

export function kubectlReadyLine(lab: string): string {
  const flag = lab === DEFAULT_LAB ? '' : ` --lab ${lab}`;
  return `kubectl is ready: export KUBECONFIG=$(netbreak kubeconfig${flag})`;
}

/**
 * The lab's kubeconfig when it serves the Kubernetes API; undefined for a lab that does not (kind, kubeconfig
 * backends), or that cannot be reached just now: the banner then leaves the line out, and the next command says why.
 */
export async function kubeconfigOf(lab: string): Promise<string | undefined> {
  try {
    return (await attachLab(lab)).kubeconfigFile?.();
  } catch {
    return undefined;
  }
}
