// The escapes a curious attendee tries from their shell on the trainer's machine
// (issue #17). Each is first shown to work outside the sandbox, as the same host
// user, so the sandbox is what makes it fail; then what an attendee needs still works.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findBwrap } from '../../src/workshop/sandbox/attendee-shell.js';
import { runAsAttendee } from '../../src/workshop/sandbox/identity.js';
import { gate } from '../helpers/lab-gate.js';
import { type Attendee, attendeeDir, inShell, newAttendee, outside, reported, startShell } from './sandbox-fixture.js';

function bwrapMissing(): string | undefined {
  try {
    findBwrap();
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}
const sandboxTests = gate(bwrapMissing());

describe.skipIf(sandboxTests.skip)(sandboxTests.title("an attendee's sandboxed shell"), () => {
  let alice: Attendee;
  let bob: Attendee;
  let trainerFiles: string;
  let room: http.Server;
  let roomPort: number;

  beforeAll(async () => {
    room = http.createServer((_request, response) => response.end('room answers\n'));
    await new Promise<void>((resolve) => room.listen(0, '127.0.0.1', resolve));
    roomPort = (room.address() as net.AddressInfo).port;
    alice = newAttendee('alice', { roomPort });
    bob = newAttendee('bob');
    // The trainer's files, readable by the attendees' host user outside the sandbox (as the trainer's are under an ordinary trainer).
    trainerFiles = attendeeDir('nb-sbx-trainer-');
    fs.chmodSync(trainerFiles, 0o755);
    fs.writeFileSync(path.join(trainerFiles, 'workshop-room.json'), '{"secret":"room-secret"}\n', { mode: 0o644 });
    fs.mkdirSync(path.join(bob.options.stateDir, 'labs', 'bob'), { recursive: true });
    fs.writeFileSync(path.join(bob.options.stateDir, 'labs', 'bob', 'kubeconfig'), 'token: bobs-token\n', { mode: 0o644 });
    fs.writeFileSync(path.join(bob.options.home, 'notes'), 'bobs notes\n', { mode: 0o644 });
    spawnSync('chmod', ['-R', 'a+rX', bob.options.stateDir, bob.options.home]);
    spawnSync('chown', ['-R', `${fs.statSync(bob.options.home).uid}`, bob.options.stateDir, bob.options.home]);
  });
  afterAll(() => new Promise<void>((resolve) => room.close(() => resolve())));

  it("cannot read the trainer's files, the room file, or another attendee's home and kubeconfig", async () => {
    const files = [
      path.join(trainerFiles, 'workshop-room.json'),
      path.join(bob.options.stateDir, 'labs', 'bob', 'kubeconfig'),
      path.join(bob.options.home, 'notes'),
    ];
    const script = files.map((file, i) => `cat ${file} >/dev/null 2>&1; echo read${i}=$?`).join('\n');
    const there = outside(script);
    for (const i of files.keys()) expect(reported(there, `read${i}`), `outside: ${files[i]}`).toBe('0');
    const inside = await inShell(alice, `${script}\nls -a ${path.dirname(trainerFiles)} 2>&1 | grep -c nb-sbx-; echo listed=done`);
    for (const i of files.keys()) expect(reported(inside, `read${i}`), `inside: ${files[i]}\n${inside.output}`).not.toBe('0');
    expect(inside.output).not.toMatch(/room-secret|bobs-token|bobs notes/);
  });

  it('sees and signals no process but its own', async () => {
    const [file, ...args] = runAsAttendee(['sleep', '300']);
    const sleeper = spawn(file!, args, { stdio: 'ignore' });
    const pid = sleeper.pid ?? 0;
    expect(pid).toBeGreaterThan(0);
    try {
      expect(reported(outside(`kill -0 ${pid}; echo signal=$?`), 'signal')).toBe('0');
      const inside = await inShell(alice, `kill -TERM ${pid}; echo signal=$?\nps -e -o pid= | wc -l | sed 's/^/count=/'`);
      expect(reported(inside, 'signal'), inside.output).not.toBe('0');
      expect(Number(reported(inside, 'count'))).toBeLessThan(8);
      expect(sleeper.exitCode).toBeNull();
      expect(sleeper.signalCode).toBeNull();
    } finally {
      sleeper.kill('SIGKILL');
    }
  });

  it("reaches neither the host's network nor its addresses, only the room", async () => {
    const service = net.createServer((socket) => socket.end('trainer service\n'));
    await new Promise<void>((resolve) => service.listen(0, '127.0.0.1', resolve));
    const port = (service.address() as net.AddressInfo).port;
    try {
      const probe = `timeout 3 bash -c 'exec 3<>/dev/tcp/127.0.0.1/${port}'; echo connect=$?`;
      expect(reported(outside(probe), 'connect')).toBe('0');
      // The attendee opens a server on every address of their namespace; from the host it answers nowhere.
      const listen = `node -e "require('net').createServer().listen(${port + 1}, '0.0.0.0', () => console.log('listening=yes'))" &\nsleep 1`;
      const inside = await inShell(
        alice,
        `${probe}\n${listen}\ncurl -s http://127.0.0.1:${roomPort}/ | sed 's/^/room=/'\nip -o link | wc -l | sed 's/^/links=/'`,
      );
      expect(reported(inside, 'connect'), inside.output).not.toBe('0');
      expect(reported(inside, 'listening'), inside.output).toBe('yes');
      expect(reported(inside, 'room'), inside.output).toBe('room answers');
      expect(reported(inside, 'links')).toBe('1');
      const reached = await new Promise<boolean>((resolve) => {
        const socket = net.connect({ host: '127.0.0.1', port: port + 1 }, () => resolve(true));
        socket.on('error', () => resolve(false));
      });
      expect(reached).toBe(false);
    } finally {
      service.close();
    }
  });

  it('writes in its home only, and holds no capability', async () => {
    // A folder of the trainer's that the attendees' host user may write in outside (as an ordinary trainer's own are).
    const targets = [path.join(attendeeDir('nb-sbx-trainer-w-'), 'planted'), path.join(alice.options.install!, 'planted'), '/usr/planted', '/etc/planted'];
    const script = targets.map((file, i) => `touch ${file} 2>/dev/null; echo write${i}=$?`).join('\n');
    expect(reported(outside(script), 'write0'), "the attendees' host user owns the trainer's folder").toBe('0');
    // What the outside run wrote goes (an ordinary user owns the install too); inside must not write it again.
    for (const file of targets) fs.rmSync(file, { force: true });
    const inside = await inShell(alice, `${script}\necho hello > ~/mine; echo home=$?\ngrep CapEff /proc/self/status | tr -d '\\t' | sed 's/CapEff:/caps=/'`);
    for (const i of targets.keys()) expect(reported(inside, `write${i}`), `inside: ${targets[i]}\n${inside.output}`).not.toBe('0');
    for (const file of targets) expect(fs.existsSync(file)).toBe(false);
    expect(reported(inside, 'home')).toBe('0');
    expect(fs.readFileSync(path.join(alice.options.home, 'mine'), 'utf8')).toBe('hello\n');
    expect(reported(inside, 'caps')).toBe('0000000000000000');
  });

  it('stops a fork bomb at its process limit, the room keeps answering, and ending the shell ends every process of it', async () => {
    const limited = { ...alice, options: { ...alice.options, limits: { processes: 64 } } };
    const bomb = 'readlink /proc/self/ns/pid | sed "s/^/pidns=/"\nbomb() { bomb | bomb & }; bomb 2>/dev/null\nsleep 600';
    const shell = startShell(limited, bomb);
    let seen = '';
    const pidns = new Promise<string>((resolve) =>
      shell.child.stdout!.on('data', (d) => {
        seen += d;
        const match = /^pidns=(pid:\[\d+\])$/m.exec(seen);
        if (match) resolve(match[1]!);
      }),
    );
    // Seen from outside: the bomb can fork nothing more inside, not even a command to count with.
    const inSandbox = async () => {
      const ns = await pidns;
      return fs.readdirSync('/proc').filter((entry) => {
        try {
          return /^\d+$/.test(entry) && fs.readlinkSync(`/proc/${entry}/ns/pid`) === ns;
        } catch {
          return false;
        }
      });
    };
    try {
      await pidns;
      await new Promise((resolve) => setTimeout(resolve, 3000));
      const started = Date.now();
      expect(spawnSync('true').status).toBe(0);
      expect(await fetch(`http://127.0.0.1:${roomPort}/`).then((r) => r.text())).toBe('room answers\n');
      expect(Date.now() - started).toBeLessThan(5000);
      const count = (await inSandbox()).length;
      // Bubblewrap's own pid 1 and the relays' node are counted with the attendee's processes.
      expect(count).toBeGreaterThan(30);
      expect(count).toBeLessThanOrEqual(64);
    } finally {
      shell.child.kill('SIGKILL');
    }
    await shell.done;
    for (let tries = 0; tries < 50 && (await inSandbox()).length > 0; tries++) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await inSandbox()).toEqual([]);
  }, 30_000);
});
