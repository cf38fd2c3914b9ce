// The lab's API server on a memory lab (memory-lab.ts), listening on the host's loopback,
// and the real kubectl pointed at it through a kubeconfig of its own: what the in-memory
// kubectl tests share, so none of them makes a namespace.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import type https from 'node:https';
import type net from 'node:net';
import path from 'node:path';
import { type ApiCredentials, makeCredentials } from '../../../../src/lab/netns/api-server/credentials.js';
import { kubeconfigText } from '../../../../src/lab/netns/api-server/kubeconfig-file.js';
import type { LabControl } from '../../../../src/lab/netns/api-server/lab-control.js';
import { buildRouter } from '../../../../src/lab/netns/api-server/routes.js';
import { createApiServer } from '../../../../src/lab/netns/api-server/server.js';
import { tempDir } from '../../../helpers/temp-dir.js';
import { memoryLab } from './memory-lab.js';

export interface KubectlRun {
  code: number;
  stdout: string;
  stderr: string;
}

export interface MemoryApi {
  lab: LabControl;
  server: https.Server;
  credentials: ApiCredentials;
  port: number;
  kubeconfig: string;
  close(): void;
}

/** Serves `lab` (a fresh memory lab unless given) on 127.0.0.1 and writes its kubeconfig in a new folder named after `prefix`. */
export async function startMemoryApi(prefix: string, lab: LabControl = memoryLab()): Promise<MemoryApi> {
  const credentials = await makeCredentials(lab.lab);
  const server = createApiServer(lab, credentials, buildRouter());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  const kubeconfig = path.join(tempDir(prefix), 'kubeconfig');
  fs.writeFileSync(kubeconfig, kubeconfigText(lab.lab, port, credentials), { mode: 0o600 });
  const close = () => {
    server.closeAllConnections();
    server.close();
  };
  return { lab, server, credentials, port, kubeconfig, close };
}

/** kubectl with that kubeconfig and a HOME of its own (its discovery cache must not outlive the server); never rejects. */
export function runKubectl(kubeconfig: string, args: string[], input?: string, timeoutMs = 30_000): Promise<KubectlRun> {
  return new Promise((resolve) => {
    const child = execFile(
      'kubectl',
      args,
      { env: { ...process.env, KUBECONFIG: kubeconfig, HOME: path.dirname(kubeconfig) }, timeout: timeoutMs },
      (error, stdout, stderr) => resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
    if (input !== undefined) child.stdin!.end(input);
  });
}

/** The run with its output's surrounding whitespace cut, as the tests that compare whole lines want it. */
export function trimmed(run: KubectlRun): KubectlRun {
  return { ...run, stdout: run.stdout.trim(), stderr: run.stderr.trim() };
}
