import { afterEach, expect, it } from 'vitest';
import { imagesOfEveryVariant, scenarioImages } from '../../src/scenario/images.js';
import { loadScenario } from '../../src/scenario/loader.js';
import { tempScenario, type TempScenario } from './helpers.js';

let temp: TempScenario | undefined;
afterEach(async () => temp?.cleanup());

const AGNHOST = 'registry.k8s.io/e2e-test-images/agnhost:2.53';

/** The valid fixture, with a parameter that picks an image tag and a fix that adds an init container of that image. */
const withImageParam = (text: string) =>
  text
    .replace('backends: [netns, kind, kubeconfig]\n', 'backends: [netns, kind, kubeconfig]\nparams:\n  tag: {choose: ["1.36", "1.37"]}\n')
    .replace(
      'fix:\n  - apply: manifests/allow-dns.yaml\n',
      'fix:\n  - apply: manifests/allow-dns.yaml\n  - patch:\n      object: Deployment/shop/api\n      merge: {spec: {template: {spec: {initContainers: [{name: wait, image: "busybox:{{ params.tag }}"}]}}}}\n',
    );

it('collects the images of manifests and of patch merges, each once', async () => {
  temp = await tempScenario(withImageParam);
  const reference = await loadScenario(temp.dir);
  expect(reference.params).toEqual({ tag: '1.36' });
  expect(scenarioImages(reference)).toEqual(['busybox:1.36', AGNHOST]);
});

it('collects every variant’s images', async () => {
  temp = await tempScenario(withImageParam);
  expect(await imagesOfEveryVariant([await loadScenario(temp.dir)])).toEqual(['busybox:1.36', 'busybox:1.37', AGNHOST]);
});
