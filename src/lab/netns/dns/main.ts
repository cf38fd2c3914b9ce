// Process entry for the lab's cluster DNS server, standing in for the coredns
// container: `node dist/lab/netns/dns/main.js --corefile <path> --store <path>
// [--port N] [--host H] [--resolv-conf <path>]`. A Corefile CoreDNS would reject
// prints CoreDNS's error and exits 1, so the lab sees the pod crash and never
// become Ready, as a real coredns pod would.
import fs from 'node:fs';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { startDnsServer, type DnsServer } from './server.js';

export interface MainIo {
  stderr(line: string): void;
  exit(code: number): void;
  /** Registers signal handlers; tests pass a no-op. */
  onSignal(signal: NodeJS.Signals, handler: () => void): void;
}

const processIo: MainIo = {
  stderr: (line) => process.stderr.write(`${line}\n`),
  exit: (code) => process.exit(code),
  onSignal: (signal, handler) => process.on(signal, handler),
};

/** Runs the server until SIGTERM; resolves with the server, or undefined after a start-up failure (exit 1). */
export async function main(argv: string[], io: MainIo = processIo): Promise<DnsServer | undefined> {
  let values: { corefile?: string; store?: string; port?: string; host?: string; 'resolv-conf'?: string };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        corefile: { type: 'string' },
        store: { type: 'string' },
        port: { type: 'string' },
        host: { type: 'string' },
        'resolv-conf': { type: 'string' },
      },
    }));
  } catch (error) {
    io.stderr((error as Error).message);
    io.exit(2);
    return undefined;
  }
  if (!values.corefile || !values.store) {
    io.stderr('usage: main.js --corefile <path> --store <path> [--port N] [--host H] [--resolv-conf <path>]');
    io.exit(2);
    return undefined;
  }
  let text: string;
  try {
    text = fs.readFileSync(values.corefile, 'utf8');
  } catch (error) {
    io.stderr(`Corefile: ${(error as Error).message}`);
    io.exit(1);
    return undefined;
  }
  let server: DnsServer;
  try {
    server = await startDnsServer({
      corefile: text,
      corefilePath: values.corefile,
      storePath: values.store,
      ...(values.host ? { host: values.host } : {}),
      ...(values.port !== undefined ? { port: Number(values.port) } : {}),
      ...(values['resolv-conf'] ? { resolvConfPath: values['resolv-conf'] } : {}),
      onFatal: () => io.exit(1),
    });
  } catch (error) {
    io.stderr((error as Error).message);
    io.exit(1);
    return undefined;
  }
  let stopping = false;
  // SIGTERM (kubelet stopping the pod): keep answering for the health plugin's
  // lameduck time, then stop. SIGINT stops at once.
  const stop = (lameduck: boolean) => {
    if (stopping) return;
    stopping = true;
    void server.close({ lameduck }).then(() => io.exit(0));
  };
  io.onSignal('SIGTERM', () => stop(true));
  io.onSignal('SIGINT', () => stop(false));
  // SIGUSR1 reloads the Corefile, as it does for CoreDNS.
  io.onSignal('SIGUSR1', () => {
    try {
      void server.reload(fs.readFileSync(values.corefile!, 'utf8'));
    } catch (error) {
      io.stderr(`[ERROR] plugin/reload: ${(error as Error).message}`);
    }
  });
  return server;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  void main(process.argv.slice(2));
}
