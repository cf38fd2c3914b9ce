import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { readSession, sessionFile, updateSession, writeSession, type Session } from '../../src/engine/session.js';

const LAB = 'testlab';
let stateDir: string;
let savedEnv: string | undefined;

function session(changes: Partial<Session> = {}): Session {
  return {
    scenario: 'after-the-pentest',
    scenarioDir: '/scenarios/after-the-pentest',
    lab: LAB,
    backend: 'netns',
    seed: 42,
    startedAt: '2024-01-01T00:00:00.000Z',
    hintsUsed: 0,
    journal: [],
    checks: [],
    ...changes,
  };
}

const lockFile = () => `${sessionFile(LAB)}.lock`;

beforeEach(() => {
  savedEnv = process.env.NETBREAK_STATE_DIR;
  stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'netbreak-session-'));
  process.env.NETBREAK_STATE_DIR = stateDir;
  fs.mkdirSync(path.dirname(sessionFile(LAB)), { recursive: true });
});

afterEach(() => {
  vi.useRealTimers();
  if (savedEnv === undefined) delete process.env.NETBREAK_STATE_DIR;
  else process.env.NETBREAK_STATE_DIR = savedEnv;
  fs.rmSync(stateDir, { recursive: true, force: true });
});

describe('writeSession / readSession', () => {
  it('reads back what was written, and nothing when no session exists', () => {
    expect(readSession(LAB)).toBeUndefined();
    const s = session({ hintsUsed: 2, journal: [{ step: { delete: 'Service/shop/api' }, undo: { before: null } }] });
    writeSession(s);
    expect(readSession(LAB)).toEqual(s);
  });

  it('replaces the file whole: a reader that opened it before a write still reads the old session, and no temporary file is left', () => {
    writeSession(session({ hintsUsed: 1, journal: Array.from({ length: 50 }, (_, i) => ({ step: { restart: `Deployment/shop/api-${i}` }, undo: {} })) }));
    const fd = fs.openSync(sessionFile(LAB), 'r');
    try {
      writeSession(session({ hintsUsed: 2 }));
      const old = JSON.parse(fs.readFileSync(fd, 'utf8')) as Session;
      expect(old.hintsUsed).toBe(1);
      expect(old.journal).toHaveLength(50);
    } finally {
      fs.closeSync(fd);
    }
    expect(readSession(LAB)!.hintsUsed).toBe(2);
    expect(fs.readdirSync(path.dirname(sessionFile(LAB)))).toEqual(['session.json']);
  });
});

describe('updateSession', () => {
  it('applies the change, returns the new session and releases the lock', async () => {
    writeSession(session());
    const updated = await updateSession(LAB, (s) => void (s.hintsUsed += 1));
    expect(updated.hintsUsed).toBe(1);
    expect(readSession(LAB)!.hintsUsed).toBe(1);
    expect(fs.existsSync(lockFile())).toBe(false);
  });

  it('says no scenario is running when there is no session, and leaves no lock behind', async () => {
    await expect(updateSession(LAB, () => {})).rejects.toThrow('no scenario is running on lab "testlab"');
    expect(fs.existsSync(lockFile())).toBe(false);
  });

  it('a change that throws writes nothing and releases the lock', async () => {
    writeSession(session({ hintsUsed: 3 }));
    await expect(
      updateSession(LAB, (s) => {
        s.hintsUsed = 99;
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(readSession(LAB)!.hintsUsed).toBe(3);
    expect(fs.existsSync(lockFile())).toBe(false);
  });

  it('two updates waiting on a held lock both land once it is released', async () => {
    writeSession(session());
    fs.writeFileSync(lockFile(), String(process.pid)); // held by a live process: this one
    const a = updateSession(LAB, (s) => {
      s.hintsUsed += 1;
      s.checks.push({ at: 'a', passed: false });
    });
    const b = updateSession(LAB, (s) => {
      s.hintsUsed += 1;
      s.checks.push({ at: 'b', passed: true });
    });
    await new Promise((r) => setTimeout(r, 60));
    expect(readSession(LAB)!.hintsUsed).toBe(0); // nobody wrote while the lock was held
    fs.rmSync(lockFile());
    await Promise.all([a, b]);
    const final = readSession(LAB)!;
    expect(final.hintsUsed).toBe(2);
    expect(final.checks.map((c) => c.at).sort()).toEqual(['a', 'b']);
    expect(fs.existsSync(lockFile())).toBe(false);
  });

  it('takes over a stale lock left by a process that has died', async () => {
    writeSession(session());
    const dead = spawnSync(process.execPath, ['-e', '']).pid!;
    fs.writeFileSync(lockFile(), String(dead));
    const started = Date.now();
    await updateSession(LAB, (s) => void (s.hintsUsed = 5));
    expect(Date.now() - started).toBeLessThan(1000);
    expect(readSession(LAB)!.hintsUsed).toBe(5);
    expect(fs.existsSync(lockFile())).toBe(false);
  });

  it('gives up after a few seconds on a lock a live process keeps, naming that process', async () => {
    writeSession(session());
    fs.writeFileSync(lockFile(), String(process.pid));
    vi.useFakeTimers({ toFake: ['Date', 'setTimeout'] });
    const update = updateSession(LAB, (s) => void (s.hintsUsed = 1));
    const failed = expect(update).rejects.toThrow(
      `another netbreak command (pid ${process.pid}) is updating this session: wait for it to finish and try again`,
    );
    await vi.advanceTimersByTimeAsync(5200);
    await failed;
    expect(readSession(LAB)!.hintsUsed).toBe(0);
    expect(fs.readFileSync(lockFile(), 'utf8')).toBe(String(process.pid)); // not ours to remove
  });
});
