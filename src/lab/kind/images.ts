// Images for a workshop without internet: pull each image onto this machine
// once (`docker pull`), then copy them into the node containers of a kind
// cluster netbreak created (`kind load docker-image`), so that no pod pulls
// from a registry during the workshop.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CommandFailedError, MissingBinaryError, run, runOk, type ExecResult } from '../../exec.js';
import { PreflightError } from '../../errors.js';
import type { ContainerEngine } from './docker.js';
import { kindArgv, kindErrorLine } from './kind-cli.js';

/** The image probes are sent from (agnhost netexec), which the scenarios and the README's sandbox example run. */
export const AGNHOST_IMAGE = 'registry.k8s.io/e2e-test-images/agnhost:2.53';

/**
 * The image `trace --pcap` runs tcpdump from, beside the node containers (kind's
 * node image has no tcpdump): netshoot, the network-debugging image Kubernetes
 * engineers reach for (`kubectl debug --image nicolaka/netshoot`), pinned.
 */
export const CAPTURE_IMAGE = 'docker.io/nicolaka/netshoot:v0.13';

/** Pulling one image over a slow line can take minutes. */
const PULL_TIMEOUT_MS = 15 * 60_000;
const LOAD_TIMEOUT_MS = 15 * 60_000;

function firstLine(text: string): string {
  return text.trim().split('\n').filter(Boolean).at(-1) ?? '';
}

/** `docker pull IMAGE`, one image after another (the engine downloads each image's layers in parallel already). */
export async function pullImage(engine: ContainerEngine, image: string): Promise<void> {
  let result: ExecResult;
  try {
    result = await run([engine, 'pull', image], { timeoutMs: PULL_TIMEOUT_MS });
  } catch (error) {
    if (error instanceof MissingBinaryError) throw new PreflightError(`${engine} is not installed: run "netbreak doctor"`);
    throw error;
  }
  if (result.exitCode !== 0) {
    throw new PreflightError(
      `${engine} could not pull ${image} (${firstLine(result.stderr) || `exit ${result.exitCode}`}): check this machine's network, or pull it where there is one and bring it over with "${engine} save" and "${engine} load"`,
    );
  }
}

/** The images this machine's engine does not have. */
export async function missingImages(engine: ContainerEngine, images: readonly string[]): Promise<string[]> {
  const missing: string[] = [];
  for (const image of images) {
    if ((await run([engine, 'image', 'inspect', '--format', '{{.Id}}', image], { timeoutMs: 30_000 })).exitCode !== 0) missing.push(image);
  }
  return missing;
}

/**
 * Copies images from this machine into every node of a kind cluster. kind's
 * docker-image loader saves them with the docker CLI, so with podman they go
 * through an archive (`podman save`, then `kind load image-archive`).
 */
export async function loadImages(engine: ContainerEngine, cluster: string, images: readonly string[]): Promise<void> {
  const failed = (error: unknown): never => {
    if (error instanceof CommandFailedError) {
      throw new PreflightError(
        `kind could not load the images into cluster ${cluster} (${kindErrorLine(error.result.stderr) || `exit ${error.result.exitCode}`}): is Docker running?`,
        { cause: error },
      );
    }
    throw error;
  };
  if (engine === 'docker') {
    await runOk(kindArgv(engine, ['load', 'docker-image', ...images, '--name', cluster]), { timeoutMs: LOAD_TIMEOUT_MS }).catch(failed);
    return;
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netbreak-images-'));
  try {
    const archive = path.join(dir, 'images.tar');
    await runOk([engine, 'save', '--multi-image-archive', '-o', archive, ...images], { timeoutMs: LOAD_TIMEOUT_MS }).catch(failed);
    await runOk(kindArgv(engine, ['load', 'image-archive', archive, '--name', cluster]), { timeoutMs: LOAD_TIMEOUT_MS }).catch(failed);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
