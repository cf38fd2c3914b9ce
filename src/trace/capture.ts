// tcpdump on the interfaces along a path while a probe runs, one pcap per
// interface. The backend says how each capture runs (Lab.capturer): tcpdump in a
// lab namespace, or in a container beside a kind node. Captures are always
// ended: by stop(), and on Ctrl-C / SIGTERM / process exit while a session runs;
// one that a signal does not end within a short time is ended by force (its
// backend's forceStop, for a container that outlives its client, then SIGKILL).
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { explainCommand } from '../exec.js';
import type { CaptureProcess } from '../lab/lab.js';
import type { NamespaceRef, PathPoint } from './hops.js';

/** How long captures may take; tests shorten them. */
export const captureTimeouts = {
  /** To start listening before the probe goes anyway: a capture container takes a second or two to start. */
  listenMs: 10_000,
  /** To complete the file once signalled, before the capture is ended by force. */
  stopMs: 2000,
};

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
  /** How the backend runs tcpdump with these arguments in `where` (Lab.capturer). */
  command: (tcpdumpArgs: string[]) => CaptureProcess;
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
  process: CaptureProcess;
  child: ChildProcess;
  exited: Promise<void>;
  /** Ended by force already: forceStop is not run twice. */
  forced?: boolean;
  error?: string;
}

/**
 * Captures started and not yet settled by stop(), so a signal handler can end
 * them: a local process that already died may have left its container running.
 */
const live = new Set<Running>();

const stillRunning = (r: Running) => r.child.exitCode === null && r.child.signalCode === null;

/**
 * Still running, or its local process died of a signal: a `docker run` client
 * killed before it passed the signal on (it sets that up only once the container
 * exists) leaves its container running. One that exited passed the signal on.
 */
const mayOutliveItsClient = (r: Running) => stillRunning(r) || r.child.signalCode !== null;

function signal(child: ChildProcess, name: NodeJS.Signals): void {
  try {
    if (child.pid && child.exitCode === null && child.signalCode === null) process.kill(child.pid, name);
  } catch {
    // already gone
  }
}

/** The backend's forceStop (a container removed), then SIGKILL for the local process. */
function endByForce(r: Running): void {
  if (!r.forced) {
    r.forced = true;
    r.process.forceStop?.();
  }
  signal(r.child, 'SIGKILL');
}

/** Set by the first signal: a second Ctrl-C (or a supervisor's repeated SIGTERM) must not cut the ending short and leave captures behind. */
let ending = false;

function onSignal(name: NodeJS.Signals): void {
  if (ending) return;
  ending = true;
  for (const r of live) signal(r.child, 'SIGTERM');
  process.stderr.write(`\nnetbreak: interrupted; ending capture processes.\n`);
  // Wait until every capture has really ended (by force after stopMs) before leaving:
  // one that was still starting up must not outlive the trace.
  const files = [...live].map((r) => r.file);
  const until = Date.now() + captureTimeouts.stopMs;
  const finish = () => {
    if ([...live].some(stillRunning) && Date.now() < until) return void setTimeout(finish, 20);
    for (const r of live) if (mayOutliveItsClient(r)) endByForce(r);
    // Half-written captures of an interrupted trace are not worth keeping.
    for (const file of files) fs.rmSync(file, { force: true });
    process.exit(name === 'SIGINT' ? 130 : 143);
  };
  finish();
}

const onExit = () => {
  for (const r of live) if (mayOutliveItsClient(r)) endByForce(r);
};

/**
 * Moves a capture to its final name, owned by the user who runs netbreak: tcpdump
 * in a container writes as root, so a file that is not ours becomes a copy that
 * is (the folder is ours, so the original can go).
 */
export function keepAsOwn(from: string, to: string): void {
  const uid = process.getuid?.();
  if (uid === undefined || fs.statSync(from).uid === uid) return fs.renameSync(from, to);
  // The copy is made beside it first: a disk that fills up meanwhile leaves the capture as it was.
  fs.copyFileSync(from, `${to}.part`);
  fs.renameSync(`${to}.part`, to);
  fs.rmSync(from);
}

/**
 * The line of a capture's output that says why it ended. tcpdump ends with its
 * reason, then the same in parentheses ("tcpdump: veth1: No such device exists",
 * "(No such device exists)"); docker run with "docker: Error response from
 * daemon: …", then a hint to read its help.
 */
export function failureReason(stderr: string): string {
  const lines = stderr
    .trim()
    .split('\n')
    .filter((l) => l && !/^\(.*\)$/.test(l) && !/^(See|Run) '.*--help'/.test(l));
  return lines.pop()?.replace(/^(docker|podman): /, '') || 'tcpdump exited at once';
}

export class CaptureSession {
  private constructor(
    readonly dir: string,
    private readonly running: Running[],
  ) {}

  /**
   * Starts one capture per spec and resolves once each is listening (or has failed:
   * a capture that cannot start is reported, not fatal). `dir` is absolute (a
   * container mounts it at the same path); `filter` is a pcap filter.
   */
  static async start(dir: string, specs: CaptureSpec[], filter: string[]): Promise<CaptureSession> {
    fs.mkdirSync(dir, { recursive: true });
    if (live.size === 0) {
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
      process.on('exit', onExit);
    }
    const running = specs.map((spec, i): Running => {
      const file = path.join(dir, `.capture-${i}.pcap`);
      // -Z root: a tcpdump built to drop to its own user could not write to a root-owned folder.
      const capture = spec.command(['-Z', 'root', '-i', spec.interface, '-n', '-U', '-s', '0', '-w', file, ...filter]);
      explainCommand(capture.argv);
      const child = spawn(capture.argv[0]!, capture.argv.slice(1), { stdio: ['ignore', 'ignore', 'pipe'] });
      const r: Running = {
        spec,
        file,
        process: capture,
        child,
        exited: new Promise((resolve) => {
          child.once('close', () => resolve());
          child.once('error', () => resolve());
        }),
      };
      live.add(r);
      return r;
    });
    const session = new CaptureSession(dir, running);
    await Promise.all(running.map((r) => waitListening(r, captureTimeouts.listenMs)));
    return session;
  }

  /** Captures that could not start, with tcpdump's reason. */
  failures(): { where: string; interface: string; error: string }[] {
    return this.running.filter((r) => r.error).map((r) => ({ where: whereText(r.spec.where), interface: r.spec.interface, error: r.error! }));
  }

  /**
   * Ends every capture (tcpdump completes its file on SIGTERM); one still running
   * after stopMs is ended by force, and so is one whose local process was killed
   * (its container may live on).
   */
  async stop(): Promise<void> {
    for (const r of this.running) signal(r.child, 'SIGTERM');
    await Promise.all(
      this.running.map(async (r) => {
        const timer = setTimeout(() => endByForce(r), captureTimeouts.stopMs);
        await r.exited;
        clearTimeout(timer);
        if (mayOutliveItsClient(r) && r.process.forceStop && !r.forced) endByForce(r);
        live.delete(r);
      }),
    );
    if (live.size === 0) {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      process.off('exit', onExit);
    }
  }

  /**
   * Moves the captures on the path to `NN-label.pcap` in path order (keepAsOwn),
   * deletes the ones off the path (candidates the packet did not take), and counts packets.
   */
  finish(pathPoints: PathPoint[]): PcapFile[] {
    const kept = new Set<Running>();
    const files: PcapFile[] = [];
    pathPoints.forEach((point) => {
      const r = this.running.find((x) => !kept.has(x) && !x.error && sameWhere(x.spec.where, point.where) && x.spec.interface === point.interface);
      if (!r || !fs.existsSync(r.file)) return;
      kept.add(r);
      const file = path.join(this.dir, pcapFileName(files.length, point.label));
      keepAsOwn(r.file, file);
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
    const onClose = () => done(failureReason(stderr));
    const timer = setTimeout(() => done(), timeoutMs);
    r.child.stderr?.on('data', onData);
    r.child.once('close', onClose);
    r.child.once('error', (e) => done(e.message));
  });
}
