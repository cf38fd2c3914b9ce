// One attendee's terminal: a shell on a pseudo-terminal (node-pty) that
// outlives the browser's socket. What it printed is kept up to a bound, so a
// reconnecting tab (a closed laptop, dropped Wi-Fi) sees the screen again
// before new output. One viewer at a time: a newer tab takes the terminal over
// and the older one is told so, as tmux detaches a client.
import pty from '@lydell/node-pty';

export interface ShellCommand {
  file: string;
  args: string[];
  env: Record<string, string>;
}

export interface TerminalViewer {
  output(data: Buffer): void;
  /** Another tab took the terminal over, or it was closed for good. */
  detached(reason: string): void;
}

/** Enough for a few screens of `kubectl get pods -A` and the last command's output. */
export const SCROLLBACK_BYTES = 256 * 1024;

export class Terminal {
  private shell: pty.IPty | undefined;
  private readonly scrollback: Buffer[] = [];
  private scrollbackBytes = 0;
  private viewer: TerminalViewer | undefined;
  private size = { cols: 100, rows: 30 };
  private closed = false;

  constructor(
    private readonly command: () => ShellCommand,
    private readonly cwd: string,
    private readonly limitBytes = SCROLLBACK_BYTES,
  ) {}

  /** The shell's pid while it runs (for tests and the trainer's log). */
  get pid(): number | undefined {
    return this.shell?.pid;
  }

  /** Shows the terminal to `viewer`: what it printed so far, then everything new; a previous viewer is detached. */
  attach(viewer: TerminalViewer): void {
    if (this.closed) {
      viewer.detached('the terminal is closed');
      return;
    }
    const previous = this.viewer;
    this.viewer = viewer;
    if (previous && previous !== viewer) previous.detached('this terminal was opened in another tab');
    if (this.scrollback.length) viewer.output(Buffer.concat(this.scrollback));
    this.ensureShell();
  }

  detach(viewer: TerminalViewer): void {
    if (this.viewer === viewer) this.viewer = undefined;
  }

  input(data: string): void {
    if (this.closed) return;
    this.ensureShell();
    this.shell?.write(data);
  }

  resize(cols: number, rows: number): void {
    this.size = { cols, rows };
    this.shell?.resize(cols, rows);
  }

  /** A line the room itself prints into the terminal (lab starting, lab reset), kept in the scrollback like the shell's output. */
  announce(text: string): void {
    this.record(Buffer.from(`\r\n\x1b[2m${text.replace(/\n/g, '\r\n')}\x1b[0m\r\n`));
  }

  /** Ends the shell (and everything it started) and refuses new viewers. */
  close(): void {
    this.closed = true;
    this.kill();
    this.viewer?.detached('the terminal is closed');
    this.viewer = undefined;
  }

  private kill(): void {
    const shell = this.shell;
    this.shell = undefined;
    if (shell) shell.kill('SIGKILL');
  }

  private ensureShell(): void {
    if (this.shell || this.closed) return;
    const { file, args, env } = this.command();
    const shell = pty.spawn(file, args, { name: 'xterm-256color', cols: this.size.cols, rows: this.size.rows, cwd: this.cwd, env, encoding: null });
    this.shell = shell;
    shell.onData((data) => this.record(typeof data === 'string' ? Buffer.from(data) : Buffer.from(data)));
    shell.onExit(() => {
      if (this.shell !== shell) return;
      this.shell = undefined;
      if (!this.closed) this.announce('The shell ended. Press Enter for a new one.');
    });
  }

  private record(chunk: Buffer): void {
    this.scrollback.push(chunk);
    this.scrollbackBytes += chunk.length;
    while (this.scrollbackBytes > this.limitBytes && this.scrollback.length > 1) this.scrollbackBytes -= this.scrollback.shift()!.length;
    this.viewer?.output(chunk);
  }
}
