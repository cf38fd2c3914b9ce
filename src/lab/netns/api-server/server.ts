// The lab's Kubernetes API server: HTTPS with the lab's own certificate, the lab's
// token on every request (401 without it), then the router. It accepts on a socket
// made in the host's network namespace and handed down (host-socket.ts), since the
// supervisor's own loopback is the lab's.
import https from 'node:https';
import type { Duplex } from 'node:stream';
import { unauthorized } from '../../../k8s/api-status.js';
import { ApiContext } from './context.js';
import { bearerMatches, type ApiCredentials } from './credentials.js';
import type { LabControl } from './lab-control.js';
import type { Router } from './router.js';
import { refuseUpgrade } from './upgrade-refusal.js';
import { hubOf } from './watch.js';

export function createApiServer(lab: LabControl, credentials: ApiCredentials, router: Router): https.Server {
  // Watches resume from any resourceVersion the server has answered with since it started.
  hubOf(lab.store);
  const server = https.createServer({ cert: credentials.certPem, key: credentials.keyPem }, (req, res) => {
    const ctx = new ApiContext(req, res, lab);
    if (!bearerMatches(req.headers.authorization, credentials.token)) {
      req.resume();
      ctx.fail(unauthorized());
      return;
    }
    void router.dispatch(ctx);
  });
  server.on('upgrade', (req, socket: Duplex, head: Buffer) => {
    if (!bearerMatches(req.headers.authorization, credentials.token)) return refuseUpgrade(socket, unauthorized());
    const url = new URL(req.url ?? '/', 'https://lab');
    const found = router.upgradeFor(url);
    if (!('handler' in found)) return refuseUpgrade(socket, found);
    Promise.resolve(found.handler({ req, socket, head, url, target: found.target, lab })).catch((error: Error) => {
      console.error(`api server: upgrade ${url.pathname} failed: ${error.stack ?? error}`);
      socket.destroy();
    });
  });
  // A client that opens a connection and never speaks must not hold it forever; watches keep theirs busy.
  server.headersTimeout = 30_000;
  server.requestTimeout = 0;
  server.keepAliveTimeout = 60_000;
  return server;
}
