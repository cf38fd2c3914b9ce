import { UserError } from '../../errors.js';
import { attachLab } from '../../engine/current-lab.js';
import { println } from '../output.js';

/** `export KUBECONFIG=$(netbreak kubeconfig)`: the path alone on stdout, so the shell can take it. */
export async function run(options: { lab?: string }): Promise<void> {
  const lab = await attachLab(options.lab);
  if (!lab.kubeconfigFile) {
    throw new UserError(
      `the lab "${lab.name}" runs on the ${lab.backend} backend, whose cluster kubectl already reaches through your own kubeconfig: netbreak kubeconfig is for netns labs`,
    );
  }
  const file = lab.kubeconfigFile();
  if (!file) {
    throw new UserError(`the lab "${lab.name}" serves no Kubernetes API (an older netbreak started it): run "netbreak stop" and start it again`, 4);
  }
  println(file);
}
