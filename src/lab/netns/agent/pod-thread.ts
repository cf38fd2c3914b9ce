// What runs inside every lab pod: a thread of the lab's supervisor, started by
// the kubelet (pod-runtime.ts), that enters the pod's network namespace and
// serves the pod's application there (netexec or cluster DNS), plus a control
// socket on the file system (not bound to any network namespace) through which
// the lab asks it to send probes and reports readiness. Threads rather than
// processes: a lab's pods then share one copy of Node's code (npm run bench).
import fs from 'node:fs';
import http from 'node:http';
import { parentPort, workerData } from 'node:worker_threads';
import { enterNetns } from './enter-netns.js';
import { forwardToLocalhost } from './localhost-forward.js';
import { usePodLookup } from './pod-lookup.js';
import { LISTENING, type PodThreadOptions } from './pod-thread-contract.js';
import { probeReadiness } from './readiness.js';

const options = workerData as PodThreadOptions;
const hostname = options.hostname ?? options.pod.split('/')[1]!;

async function startApplication(): Promise<void> {
  if (options.dns) {
    const { corefile: file, corefileName: name, store } = options.dns;
    let corefile: string;
    try {
      corefile = fs.readFileSync(file, 'utf8');
    } catch (error) {
      const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
      throw new Error(`loading Caddyfile via flag: open ${name}: ${missing ? 'no such file or directory' : (error as Error).message}`, { cause: error });
    }
    // The reload plugin re-reads the projected file on its own interval (30 s unless
    // the Corefile says otherwise), so a ConfigMap change reaches a running pod as
    // late as it would in a cluster; a restart applies it at once.
    // Loaded only in CoreDNS pods: every other pod stays smaller.
    const { startDnsServer } = await import('../dns/server.js');
    // A fatal error (the loop plugin's "Loop … detected") ends the container, as CoreDNS's log.Fatal
    // ends its process: the kubelet restarts it with back-off, and the pod shows CrashLoopBackOff.
    const onFatal = () => process.exit(1);
    await startDnsServer({ corefile, corefilePath: file, corefileName: name, storePath: store, resolvConfPath: options.resolvConf, onFatal });
    return;
  }
  const { startNetexec } = await import('./netexec.js');
  await startNetexec({
    hostname,
    tcpPorts: options.tcpPorts,
    udpPorts: options.udpPorts,
    address: options.listen,
    ...(options.porter ? { fixedBodies: options.porter } : {}),
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
        const { ready, failure } = await probeReadiness(options.readiness, options.ip);
        res.writeHead(ready ? 200 : 503).end(ready ? 'ok' : (failure ?? 'not ready'));
      } else if (req.url === '/probe' && req.method === 'POST') {
        const { to, timeoutMs } = JSON.parse(await readBody(req)) as { to: string; timeoutMs?: number };
        // Loaded on the first probe (with the resolver): most pods are only ever probed, never probe.
        const { sendProbe } = await import('./probe.js');
        const result = await sendProbe(to, timeoutMs ?? 1000, options.resolvConf);
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(result));
      } else {
        res.writeHead(404).end();
      }
    } catch (error) {
      res.writeHead(400).end((error as Error).message);
    }
  });
  server.on('connect', forwardToLocalhost);
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, () => resolve(server));
  });
}

/**
 * The pod's kernel settings. /proc/sys/net shows the namespace of the thread
 * that opens it, so this thread writes its pod's: as on the nodes (fabric.ts), a
 * closed UDP port must answer "refused" every time, not only for the first few probes.
 */
function tuneNamespace(): void {
  fs.writeFileSync('/proc/sys/net/ipv4/icmp_ratelimit', '0');
}

try {
  await enterNetns(options.netnsPath);
  usePodLookup({ hostname, ip: options.ip, resolvConf: options.resolvConf });
  tuneNamespace();
  await startApplication();
  await startControl(options.control);
  // The kubelet probes readiness as soon as the pod says it listens, then on the probe's period.
  // Ending the pod is the kubelet's worker.terminate(), which closes every socket of the thread.
  parentPort!.postMessage(LISTENING);
} catch (error) {
  // The container "crashes": kubelet sees the exit and restarts it with back-off.
  console.error(`${(error as Error).message}`);
  process.exit(1);
}
