// Starts the lab's API server on the socket the lab's starter handed down (host-socket.ts);
// publish() writes the kubeconfig once the lab's store is seeded, so kubectl's first answer is whole.
import fs from 'node:fs';
import type https from 'node:https';
import type net from 'node:net';
import { makeCredentials } from './credentials.js';
import { API_SOCKET_FD } from './host-socket.js';
import { writeKubeconfig } from './kubeconfig-file.js';
import type { LabControl } from './lab-control.js';
import { buildRouter } from './routes.js';
import { createApiServer } from './server.js';

/** Whether this process was given the listening socket: a lab started by an older netbreak (or a test) was not. */
export function hasHostSocket(): boolean {
  try {
    return fs.fstatSync(API_SOCKET_FD).isSocket();
  } catch {
    return false;
  }
}

export interface RunningApiServer {
  server: https.Server;
  port: number;
  /** Writes the kubeconfig; returns its path. */
  publish(): string;
}

export async function startApiServer(lab: LabControl): Promise<RunningApiServer> {
  const credentials = await makeCredentials(lab.lab);
  const server = createApiServer(lab, credentials, buildRouter());
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ fd: API_SOCKET_FD }, () => resolve());
  });
  const { port } = server.address() as net.AddressInfo;
  return { server, port, publish: () => writeKubeconfig(lab.lab, port, credentials) };
}
