// Puts the fake kind/docker/podman/kubectl (test/fixtures/bin) first on PATH —
// in fact alone on it, beside node, so a real docker or kind on the machine is
// never reached — with a fresh state folder and call log, and a fresh
// NETBREAK_STATE_DIR. restore() puts the environment back.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const FIXTURES = path.resolve(import.meta.dirname, '../../fixtures/bin');

export interface FakeTools {
  dir: string;
  stateDir: string;
  state(): Record<string, any>;
  setState(patch: Record<string, unknown>): void;
  /** Every fake-tool call so far, as argv arrays starting with the tool. */
  calls(): string[][];
  /** The containers the fake engine knows besides kind's nodes: capture containers it runs, and those a test added. */
  containers(): FakeContainer[];
  addContainers(containers: FakeContainer[]): void;
  /** The environment a spawned CLI needs to find the fakes, this state folder and a throw-away home. */
  cliEnv(): Record<string, string>;
  restore(): void;
}

export interface FakeContainer {
  name: string;
  labels: Record<string, string>;
  image: string;
  network?: string;
  running: boolean;
  /** The fake `docker run` process, for the ones it runs. */
  pid?: number;
}

export function useFakeTools(options: { tools?: string[]; state?: Record<string, unknown> } = {}): FakeTools {
  const tools = options.tools ?? ['kind', 'docker', 'kubectl'];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netbreak-fake-'));
  const bin = path.join(dir, 'bin');
  const stateDir = path.join(dir, 'state');
  fs.mkdirSync(bin);
  for (const tool of tools) fs.symlinkSync(path.join(FIXTURES, tool), path.join(bin, tool));
  const saved = {
    PATH: process.env.PATH,
    NETBREAK_FAKE_DIR: process.env.NETBREAK_FAKE_DIR,
    NETBREAK_FAKE_TOOLS: process.env.NETBREAK_FAKE_TOOLS,
    NETBREAK_STATE_DIR: process.env.NETBREAK_STATE_DIR,
  };
  process.env.PATH = `${bin}:${path.dirname(process.execPath)}`;
  process.env.NETBREAK_FAKE_DIR = dir;
  process.env.NETBREAK_FAKE_TOOLS = path.join(FIXTURES, 'fake-tools.cjs');
  process.env.NETBREAK_STATE_DIR = stateDir;
  const stateFile = path.join(dir, 'state.json');
  fs.writeFileSync(stateFile, JSON.stringify(options.state ?? {}));
  fs.writeFileSync(path.join(dir, 'calls.jsonl'), '');
  return {
    dir,
    stateDir,
    state: () => JSON.parse(fs.readFileSync(stateFile, 'utf8')),
    setState(patch) {
      fs.writeFileSync(stateFile, JSON.stringify({ ...JSON.parse(fs.readFileSync(stateFile, 'utf8')), ...patch }));
    },
    containers: () => {
      const file = path.join(dir, 'containers.json');
      return fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as FakeContainer[]) : [];
    },
    addContainers(containers) {
      const file = path.join(dir, 'containers.json');
      const list = fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as FakeContainer[]) : [];
      fs.writeFileSync(file, JSON.stringify([...list, ...containers], null, 2));
    },
    calls: () =>
      fs
        .readFileSync(path.join(dir, 'calls.jsonl'), 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as string[]),
    cliEnv: () => ({
      PATH: process.env.PATH!,
      NETBREAK_FAKE_DIR: dir,
      NETBREAK_FAKE_TOOLS: process.env.NETBREAK_FAKE_TOOLS!,
      NETBREAK_STATE_DIR: stateDir,
      HOME: path.join(dir, 'home'),
    }),
    restore() {
      // A fake `docker run` a failing test left running.
      for (const c of this.containers()) {
        try {
          if (c.pid && fs.readFileSync(`/proc/${c.pid}/cmdline`, 'utf8').includes('fake-tools.cjs')) process.kill(c.pid, 'SIGKILL');
        } catch {
          // gone
        }
      }
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
