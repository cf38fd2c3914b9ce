// `netbreak images` on the kind backend: pull with the machine's container engine,
// then copy into the node containers of a cluster netbreak created. Light to load
// (the Kubernetes client comes in only to ask whether netbreak created a cluster),
// so the registry's entry can carry it.
import { PreflightError, UserError } from '../../errors.js';
import type { ImagePreload } from '../backend.js';
import { engineStatus } from './docker.js';
import { AGNHOST_IMAGE, CAPTURE_IMAGE, loadImages, missingImages, pullImage } from './images.js';
import { getClusters } from './kind-cli.js';
import { readLabRecord } from '../state.js';

export const kindImagePreload: ImagePreload = {
  ownImages: [AGNHOST_IMAGE, CAPTURE_IMAGE],

  async engine() {
    const engine = await engineStatus();
    if (!engine.ok) throw new PreflightError(engine.reason);
    return engine.engine;
  },

  pull: pullImage,
  missing: missingImages,

  async clusterOf(engine, lab) {
    const cluster = readLabRecord(lab)?.cluster ?? lab;
    if (!(await getClusters(engine)).includes(cluster)) {
      throw new UserError(`there is no kind cluster "${cluster}": make it with "netbreak lab up --backend kind --name ${lab}", then load the images`, 4);
    }
    // Only into a cluster netbreak created, as with every other change.
    const { clusterMadeByNetbreak, refusal } = await import('./cluster-owner.js');
    if (!(await clusterMadeByNetbreak(cluster, engine))) throw refusal(cluster);
    return cluster;
  },

  load: loadImages,
};
