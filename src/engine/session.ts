// Reading and writing the persisted state of one learner's session on one lab
// (its type: src/history/session.ts). Every CLI invocation reads it afresh, so
// `start` in one shell and `check` in another share it.
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { labDir } from '../lab/state.js';
import type { UndoRecord } from '../faults/fault-kind.js';
import type { JournalEntry, JournalIntent, JournalPhase, Session } from '../history/session.js';
import type { Step } from '../scenario/schema.js';
import { UserError } from '../errors.js';
import { throwIfStopRequested } from './interruption.js';
import { processAlive } from '../process-alive.js';
import { writeFileAtomically } from '../atomic-write.js';

export type { JournalEntry, JournalIntent, JournalPhase, Session } from '../history/session.js';

export function sessionFile(lab: string): string {
  return path.join(labDir(lab), 'session.json');
}

export function readSession(lab: string): Session | undefined {
  try {
    return JSON.parse(fs.readFileSync(sessionFile(lab), 'utf8')) as Session;
  } catch {
    return undefined;
  }
}

/** Replaces the session file atomically (and durably): a reader never sees half of it, a crash leaves the old or the new one. */
export function writeSession(session: Session): void {
  const file = sessionFile(session.lab);
  writeFileAtomically(file, JSON.stringify(session, null, 2), { durable: true });
}

/** Read, change and write the session under an exclusive lock, so two shells never lose each other's update. */
export async function updateSession(lab: string, change: (s: Session) => void): Promise<Session> {
  const release = await lockSession(lab);
  try {
    const session = readSession(lab);
    if (!session) throw new UserError(`no scenario is running on lab "${lab}"`, 4);
    change(session);
    writeSession(session);
    return session;
  } finally {
    release();
  }
}

/**
 * Takes the session's lock file: `<pid> <token>`, created whole by link(2), so
 * nobody ever reads a half-written lock. A lock whose process has died (kill -9)
 * is broken by renaming it aside first, so that of several waiters only one
 * breaks it and none removes a lock that another has just taken.
 */
async function lockSession(lab: string): Promise<() => void> {
  const lock = `${sessionFile(lab)}.lock`;
  const mine = `${process.pid} ${randomUUID()}`;
  const tmp = `${lock}.${process.pid}.${mine.slice(-8)}`;
  try {
    fs.writeFileSync(tmp, mine);
  } catch (error) {
    // The lab's folder is gone: the lab was stopped while this command ran.
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new UserError(`no scenario is running on lab "${lab}"`, 4);
    throw error;
  }
  const until = Date.now() + 5000;
  try {
    for (;;) {
      try {
        fs.linkSync(tmp, lock);
        return () => {
          if (readIfExists(lock) === mine) fs.rmSync(lock, { force: true });
        };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      const held = readIfExists(lock);
      if (held === undefined) continue; // released between our try and our look: try again
      const holder = Number(held.split(' ')[0]);
      if (holder && !processAlive(holder)) {
        breakStaleLock(lock, held);
        continue;
      }
      if (Date.now() > until) throw new UserError(`another netbreak command (pid ${holder}) is updating this session: wait for it to finish and try again`);
      await new Promise((r) => setTimeout(r, 10 + Math.random() * 20));
    }
  } finally {
    fs.rmSync(tmp, { force: true });
  }
}

function breakStaleLock(lock: string, seen: string): void {
  const aside = `${lock}.stale.${process.pid}.${randomUUID().slice(0, 8)}`;
  try {
    fs.renameSync(lock, aside);
  } catch {
    return; // another waiter broke it first
  }
  // What we moved is not the dead holder's lock: a live process took the lock in between. Put it back.
  if (readIfExists(aside) !== seen) {
    try {
      fs.linkSync(aside, lock);
    } catch {
      // A third process took the free lock meanwhile: for these microseconds after a crash two hold it. Accepted.
    }
  }
  fs.rmSync(aside, { force: true });
}

function readIfExists(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/** Records each change of a scenario in the session's journal: the intent before the change, the undo record after. */
export interface StepRecorder {
  intent(step: Step): Promise<void>;
  done(step: Step, undo: UndoRecord): Promise<void>;
}

export function sessionRecorder(lab: string, phase: JournalPhase): StepRecorder {
  return {
    async intent(step) {
      throwIfStopRequested();
      await updateSession(lab, (s) => void s.journal.push({ step, phase, state: 'intent', at: new Date().toISOString() }));
    },
    async done(step, undo) {
      await updateSession(lab, (s) => {
        const at = s.journal.findLastIndex((e) => e.state === 'intent' && e.phase === phase && JSON.stringify(e.step) === JSON.stringify(step));
        const entry: JournalEntry = { step, phase, state: 'done', undo };
        if (at >= 0) s.journal[at] = entry;
        else s.journal.push(entry);
      });
    },
  };
}

/** The change a crashed command left half made, if any: an intent never completed. */
export function interruptedChange(session: Session): JournalIntent | undefined {
  return session.journal.find((e): e is JournalIntent => e.state === 'intent');
}
