// `netbreak workshop serve` run as the trainer runs it (the built CLI, its own
// data folder), for the tests that need the real command: it prints its JSON
// once listening, and stops on SIGINT.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { ROOT } from '../helpers/cli.js';

export interface ServeInfo {
  room: string;
  resumed: boolean;
  file: string;
  archived: string | null;
  scenarios: string[];
  attendees: number;
  joinCode: string;
  joinUrls: string[];
  scoreboardUrls: string[];
  adminUrl: string;
  adminToken: string;
  port: number;
}

export interface Served {
  info: ServeInfo;
  child: ChildProcess;
  /** Ctrl-C, and the exit code. */
  stop(): Promise<number | null>;
}

/** `install` is the netbreak checkout to run (default: this one); `env` adds to the environment. */
export function serveWorkshop(args: string[], dataDir: string, extra: { install?: string; env?: Record<string, string> } = {}): Promise<Served> {
  const bin = path.join(extra.install ?? ROOT, 'bin/netbreak.js');
  const child = spawn(process.execPath, [bin, 'workshop', 'serve', '--json', '--host', '127.0.0.1', ...args], {
    env: { ...process.env, NO_COLOR: '1', NETBREAK_DATA_DIR: dataDir, ...extra.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => reject(new Error(`workshop serve printed nothing in 20 s: ${err}`)), 20_000);
    child.stderr!.on('data', (c) => (err += c));
    child.stdout!.on('data', (chunk) => {
      out += chunk;
      try {
        const info = JSON.parse(out) as ServeInfo;
        clearTimeout(timer);
        resolve({
          info,
          child,
          stop: async () => {
            if (child.exitCode === null) child.kill('SIGINT');
            return exited;
          },
        });
      } catch {
        // not all of it yet
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`workshop serve exited with ${code}: ${err.trim()}`));
    });
  });
}
