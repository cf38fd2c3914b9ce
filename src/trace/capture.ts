// tcpdump on the interfaces along a path while a probe runs, one pcap per
// interface. Capture processes live inside the lab's namespaces and are always
// ended: by stop(), and on Ctrl-C / SIGTERM / process exit while a session runs.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { NamespaceRef, PathPoint } from './hops.js';

export interface PcapFile {
  /** Path of the file (inside the --pcap folder). */
  file: string;
  /** `node worker` or `pod shop/frontend-…`. */
  where: string;
  interface: string;
  /** Packets in the file; null when it could not be read. */
  packets: number | null;
}

export interface CaptureSpec {
  where: NamespaceRef;
  interface: string;
  /** The backend's argv that runs tcpdump with these arguments in `where` (Lab.captureArgv). */
  command: (tcpdumpArgs: string[]) => string[];
}

/** Packets in a classic pcap file (what tcpdump -w writes): a 24-byte header, then 16-byte record headers. */
export function countPcapPackets(data: Buffer): number | null {
  if (data.length < 24) return null;
  const magic = data.readUInt32LE(0);
  let little: boolean;
  if (magic === 0xa1b2c3d4 || magic === 0xa1b23c4d) little = true;
  else if (magic === 0xd4c3b2a1 || magic === 0x4d3cb2a1) little = false;
  else return null;
  let offset = 24;
  let count = 0;
  while (offset + 16 <= data.length) {
    const length = little ? data.readUInt32LE(offset + 8) : data.readUInt32BE(offset + 8);
    if (offset + 16 + length > data.length) break; // a record cut short: tcpdump was killed mid-write
    offset += 16 + length;
    count++;
  }
  return count;
}

/** `01-frontend-eth0.pcap`: the hop's position on the path and a label safe in a file name. */
export function pcapFileName(index: number, label: string): string {
  return `${String(index + 1).padStart(2, '0')}-${label.replace(/[^A-Za-z0-9_.-]+/g, '-')}.pcap`;
}

function whereText(where: NamespaceRef): string {
  return 'node' in where ? `node ${where.node}` : `pod ${where.namespace}/${where.pod}`;
}

function sameWhere(a: NamespaceRef, b: NamespaceRef): boolean {
  return whereText(a) === whereText(b);
}

interface Running {
  spec: CaptureSpec;
  file: string;
  child: ChildProcess;
  exited: Promise<void>;
  error?: string;
}

/** Running tcpdumps and the file each writes, so a signal handler can end them synchronously. */
const live = new Map<ChildProcess, string>();

function killAll(signal: NodeJS.Signals): void {
  for (const child of live.keys()) {
    try {
      if (child.pid) process.kill(child.pid, signal);
    } catch {
      // already gone
    }
  }
}

function onSignal(signal: NodeJS.Signals): void {
  killAll('SIGTERM');
  process.stderr.write(`\nnetbreak: interrupted; ending capture processes.\n`);
  // Wait until every tcpdump has really exited (SIGKILL after 1 s) before leaving: one that
  // was still starting up must not outlive the trace.
  const files = [...live.values()];
  const until = Date.now() + 1000;
  const finish = () => {
    if (live.size > 0 && Date.now() < until) return void setTimeout(finish, 20);
    killAll('SIGKILL');
    // Half-written captures of an interrupted trace are not worth keeping.
    for (const file of files) fs.rmSync(file, { force: true });
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  finish();
}

const onExit = () => killAll('SIGKILL');

export class CaptureSession {
  private constructor(
    readonly dir: string,
    private readonly running: Running[],
  ) {}

  /**
   * Starts one tcpdump per spec and resolves once each is listening (or has failed:
   * a capture that cannot start is reported, not fatal). `filter` is a pcap filter.
   */
  static async start(dir: string, specs: CaptureSpec[], filter: string[]): Promise<CaptureSession> {
    fs.mkdirSync(dir, { recursive: true });
    if (live.size === 0) {
      process.once('SIGINT', onSignal);
      process.once('SIGTERM', onSignal);
      process.on('exit', onExit);
    }
    const running = specs.map((spec, i): Running => {
      const file = path.join(dir, `.capture-${i}.pcap`);
      // -Z root: a tcpdump built to drop to its own user could not write to a root-owned folder.
      const argv = spec.command(['-Z', 'root', '-i', spec.interface, '-n', '-U', '-s', '0', '-w', file, ...filter]);
      const child = spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', 'ignore', 'pipe'] });
      live.set(child, file);
      const r: Running = { spec, file, child, exited: new Promise((resolve) => {
        child.once('close', () => resolve());
        child.once('error', () => resolve());
      }) };
      void r.exited.then(() => live.delete(child));
      return r;
    });
    const session = new CaptureSession(dir, running);
    await Promise.all(running.map((r) => waitListening(r, 3000)));
    return session;
  }

  /** Captures that could not start, with tcpdump's reason. */
  failures(): { where: string; interface: string; error: string }[] {
    return this.running.filter((r) => r.error).map((r) => ({ where: whereText(r.spec.where), interface: r.spec.interface, error: r.error! }));
  }

  /** Ends every capture (tcpdump flushes on SIGTERM); kills what does not end within 2 s. */
  async stop(): Promise<void> {
    for (const r of this.running) {
      try {
        if (r.child.exitCode === null && r.child.pid) process.kill(r.child.pid, 'SIGTERM');
      } catch {
        // already gone
      }
    }
    await Promise.all(
      this.running.map(async (r) => {
        const timer = setTimeout(() => {
          try {
            if (r.child.pid) process.kill(r.child.pid, 'SIGKILL');
          } catch {
            // already gone
          }
        }, 2000);
        await r.exited;
        clearTimeout(timer);
      }),
    );
    if (live.size === 0) {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      process.off('exit', onExit);
    }
  }

  /**
   * Renames the captures on the path to `NN-label.pcap` in path order, deletes the
   * ones off the path (candidates the packet did not take), and counts packets.
   */
  finish(pathPoints: PathPoint[]): PcapFile[] {
    const kept = new Set<Running>();
    const files: PcapFile[] = [];
    pathPoints.forEach((point) => {
      const r = this.running.find((x) => !kept.has(x) && !x.error && sameWhere(x.spec.where, point.where) && x.spec.interface === point.interface);
      if (!r || !fs.existsSync(r.file)) return;
      kept.add(r);
      const file = path.join(this.dir, pcapFileName(files.length, point.label));
      fs.renameSync(r.file, file);
      files.push({ file, where: whereText(point.where), interface: point.interface, packets: countPcapPackets(fs.readFileSync(file)) });
    });
    for (const r of this.running) if (!kept.has(r)) fs.rmSync(r.file, { force: true });
    return files;
  }
}

function waitListening(r: Running, timeoutMs: number): Promise<void> {
  return new Promise((resolve) => {
    let stderr = '';
    const done = (error?: string) => {
      clearTimeout(timer);
      r.child.stderr?.off('data', onData);
      r.child.off('close', onClose);
      if (error) r.error = error;
      // Keep draining stderr so tcpdump never blocks on a full pipe.
      r.child.stderr?.resume();
      resolve();
    };
    const onData = (chunk: Buffer) => {
      stderr += chunk.toString();
      if (/listening on/.test(stderr)) done();
    };
    const onClose = () => done(stderr.trim().split('\n').pop() || 'tcpdump exited at once');
    const timer = setTimeout(() => done(), timeoutMs);
    r.child.stderr?.on('data', onData);
    r.child.once('close', onClose);
    r.child.once('error', (e) => done(e.message));
  });
}
