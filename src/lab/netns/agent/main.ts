// The process inside every lab pod. It serves the pod's application (netexec or
// cluster DNS) on the pod's network namespace, and a control socket on the file
// system (not bound to any network namespace) through which the lab asks it to
// send probes and reports readiness.
import fs from 'node:fs';
import http from 'node:http';
import { parseArgs } from 'node:util';
import { probeReadiness, type ReadinessProbe } from './readiness.js';

const { values } = parseArgs({
  options: {
    pod: { type: 'string' },
    ip: { type: 'string' },
    control: { type: 'string' },
    tcp: { type: 'string' },
    udp: { type: 'string' },
    readiness: { type: 'string' },
    corefile: { type: 'string' },
    'corefile-name': { type: 'string' },
    store: { type: 'string' },
    listen: { type: 'string', default: '0.0.0.0' },
    porter: { type: 'string' },
  },
});

const ports = (list?: string) => (list ? list.split(',').map(Number) : []);
const podName = values.pod!.split('/')[1]!;
const readiness = values.readiness ? (JSON.parse(values.readiness) as ReadinessProbe) : undefined;

async function startApplication(): Promise<() => Promise<void>> {
  if (values.corefile) {
    // --corefile is the projected file on the host; --corefile-name is the path
    // CoreDNS was given (-conf), which its error messages cite.
    const name = values['corefile-name'] ?? values.corefile;
    let corefile: string;
    try {
      corefile = fs.readFileSync(values.corefile, 'utf8');
    } catch (error) {
      const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
      throw new Error(`loading Caddyfile via flag: open ${name}: ${missing ? 'no such file or directory' : (error as Error).message}`, { cause: error });
    }
    // The reload plugin re-reads the projected file on its own interval (30 s unless
    // the Corefile says otherwise), so a ConfigMap change reaches a running pod as
    // late as it would in a cluster; a restart applies it at once.
    // Loaded only in CoreDNS pods: every other pod stays a few MiB smaller.
    const { startDnsServer } = await import('../dns/server.js');
    const server = await startDnsServer({ corefile, corefilePath: values.corefile, corefileName: name, storePath: values.store! });
    return async () => server.close();
  }
  const { startNetexec } = await import('./netexec.js');
  return startNetexec({
    hostname: podName,
    tcpPorts: ports(values.tcp),
    udpPorts: ports(values.udp),
    address: values.listen!,
    ...(values.porter ? { fixedBodies: JSON.parse(values.porter) as Record<string, string> } : {}),
  });
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString()));
    req.on('error', reject);
  });
}

function startControl(path: string): Promise<http.Server> {
  fs.rmSync(path, { force: true });
  const server = http.createServer(async (req, res) => {
    try {
      if (req.url === '/ready') {
        const ready = await probeReadiness(readiness, values.ip!);
        res.writeHead(ready ? 200 : 503).end(ready ? 'ok' : 'not ready');
      } else if (req.url === '/probe' && req.method === 'POST') {
        const { to, timeoutMs } = JSON.parse(await readBody(req)) as { to: string; timeoutMs?: number };
        // Loaded on the first probe (with the resolver): most pods are only ever probed, never probe.
        const { sendProbe } = await import('./probe.js');
        const result = await sendProbe(to, timeoutMs ?? 1000);
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(result));
      } else {
        res.writeHead(404).end();
      }
    } catch (error) {
      res.writeHead(400).end((error as Error).message);
    }
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, () => resolve(server));
  });
}

/**
 * The pod's kernel settings, made here because this is the first process in the
 * pod's namespace (writing /proc/sys/net from the supervisor would change its own
 * namespace): as on the nodes (fabric.ts), a closed UDP port must answer
 * "refused" every time, not only for the first few probes.
 */
function tuneNamespace(): void {
  fs.writeFileSync('/proc/sys/net/ipv4/icmp_ratelimit', '0');
}

try {
  tuneNamespace();
  const stopApplication = await startApplication();
  const control = await startControl(values.control!);
  // The kubelet (pod-runtime.ts) probes readiness as soon as the pod says it listens, then on the probe's period.
  process.send?.('listening', () => process.disconnect());
  const shutdown = async () => {
    control.close();
    await stopApplication();
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown());
  process.on('SIGINT', () => void shutdown());
} catch (error) {
  // The container "crashes": kubelet sees the exit and restarts it with back-off.
  console.error(`${(error as Error).message}`);
  process.exit(1);
}
