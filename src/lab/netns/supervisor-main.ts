// Process entry of a lab supervisor: `node supervisor-main.js <lab> <lab.json>`.
// Started by `netbreak start`/`lab up` as the first process of the lab's own
// namespaces (holder.ts), it makes the lab's machines (its own network namespace is
// the fabric), then serves the control plane; `stop` ends it by killing its holder.
// Besides the control plane it serves the node network's DNS (upstream-dns.ts) on
// the fabric's address, which needs no process of its own.
import fs from 'node:fs';
import http from 'node:http';
import type { KubeObject, ObjectRef } from '../../k8s/objects.js';
import { createFabric, createNode } from './fabric.js';
import { makePrivateRun } from './lab-mounts.js';
import type { Topology } from './topology.js';
import { labFiles } from './names.js';
import { isUserError, Supervisor } from './supervisor.js';
import { hasHostSocket, startApiServer } from './api-server/start-api-server.js';
import { serveUpstream, upstreamLogFile, upstreamZone } from './upstream-dns.js';
import { writeFileAtomically } from '../../atomic-write.js';

// Everything this lab writes (store, logs, pods' sockets) is its owner's alone.
process.umask(0o077);
const lab = process.argv[2]!;
const files = labFiles(lab);
const { topology } = JSON.parse(fs.readFileSync(process.argv[3] ?? files.lab, 'utf8')) as { topology: Topology };
const supervisor = new Supervisor(lab, topology);

/** A request's JSON body as api-client.ts sends it: each route reads only the fields it takes. */
interface RequestBody {
  objects: KubeObject[];
  ref: ObjectRef;
  patch: Record<string, unknown>;
  replicas: number;
  from: string;
  to: string;
  timeoutMs?: number;
  probes: { from: string; to: string; timeoutMs?: number }[];
}

function readJson(req: http.IncomingMessage): Promise<RequestBody> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      try {
        resolve(chunks.length ? JSON.parse(Buffer.concat(chunks).toString()) : {});
      } catch (error) {
        reject(error);
      }
    });
  });
}

async function handle(method: string, url: URL, req: http.IncomingMessage): Promise<unknown> {
  const q = url.searchParams;
  const route = `${method} ${url.pathname}`;
  switch (route) {
    case 'GET /v1/health':
      await supervisor.settled();
      return { ok: true, resourceVersion: supervisor.store.resourceVersion, lastError: supervisor.lastError ?? null, pid: process.pid };
    case 'GET /v1/get':
      return { object: supervisor.get({ kind: q.get('kind')!, namespace: q.get('namespace') ?? undefined, name: q.get('name')! }) ?? null };
    case 'GET /v1/list':
      return { items: supervisor.store.list(q.get('kind')!, q.get('namespace') ?? undefined) };
    case 'POST /v1/apply': {
      const body = await readJson(req);
      const objects = supervisor.apply(body.objects);
      await supervisor.settled();
      return { objects };
    }
    case 'POST /v1/delete': {
      const body = await readJson(req);
      const deleted = supervisor.delete(body.ref);
      await supervisor.settled();
      return { deleted };
    }
    case 'POST /v1/patch': {
      const body = await readJson(req);
      const object = supervisor.patch(body.ref, body.patch);
      await supervisor.settled();
      return { object };
    }
    case 'POST /v1/scale': {
      const body = await readJson(req);
      supervisor.scale(body.ref, body.replicas);
      await supervisor.settled();
      return {};
    }
    case 'POST /v1/restart': {
      const body = await readJson(req);
      supervisor.restart(body.ref);
      await supervisor.settled();
      return {};
    }
    case 'POST /v1/probe': {
      const body = await readJson(req);
      return supervisor.probe(body.from, body.to, body.timeoutMs);
    }
    case 'POST /v1/probes': {
      const body = await readJson(req);
      return {
        results: await Promise.all(body.probes.map((p) => supervisor.probe(p.from, p.to, p.timeoutMs).catch((error: Error) => ({ error: error.message })))),
      };
    }
    default:
      return undefined;
  }
}

const server = http.createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://supervisor');
  handle(req.method ?? 'GET', url, req).then(
    (body) => {
      if (body === undefined)
        res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: `no route ${req.method} ${url.pathname}` }));
      else res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    },
    (error: Error) => {
      const status = isUserError(error) ? 422 : 500;
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ error: error.message }));
    },
  );
});

// Exiting ends every pod's thread, and with it their sockets.
function shutdown(): void {
  server.close();
  fs.rmSync(files.socket, { force: true });
  fs.rmSync(files.kubeconfig, { force: true });
  process.exit(0);
}
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);

// The lab's /run/netns first, then its machines: nothing serves before the nodes exist.
const skipped = await makePrivateRun();
if (skipped.length) console.error(`not in the lab's /run (the lab does not need them): ${skipped.join(', ')}`);
await createFabric(topology);
await Promise.all(topology.nodes.map((node) => createNode(lab, topology, node)));

// Up before the CoreDNS pods start: they forward to it.
const upstreamLog = upstreamLogFile(lab);
await serveUpstream(upstreamZone(topology.fabricIP, topology.nodes), topology.fabricIP, 53, (line) => fs.appendFileSync(upstreamLog, `${line}\n`));
// The Kubernetes API (api-server/) listens first; nobody has its token before publish().
const api = hasHostSocket() ? await startApiServer(supervisor) : undefined;
fs.rmSync(files.socket, { force: true });
server.listen(files.socket, () => {
  // The pid outside the lab's pid namespace (/proc is the machine's): what the CLI and cleanup see.
  fs.chmodSync(files.socket, 0o600);
  writeFileAtomically(files.pid, fs.readlinkSync('/proc/self'));
  supervisor.start();
  // kubectl's way in is published with the store seeded, and before the CLI hears the supervisor answer.
  if (api) console.error(`Kubernetes API on https://127.0.0.1:${api.port} (kubeconfig ${api.publish()})`);
});
