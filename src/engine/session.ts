// The persisted state of one learner's session on one lab: which scenario, when
// the clock started, the hints taken, the fault journal and the grades. Every
// CLI invocation reads it afresh, so `start` in one shell and `check` in another
// share it.
import fs from 'node:fs';
import path from 'node:path';
import { labDir } from '../lab/netns/names.js';
import type { UndoRecord } from '../faults/fault-kind.js';
import type { Step } from '../scenario/schema.js';

export interface JournalEntry {
  step: Step;
  undo: UndoRecord;
}

export interface DiagnosisRecord {
  answer: { layer: string; object: string; cause: string };
  points: number;
  max: number;
  total: number;
  at: string;
}

export interface Session {
  scenario: string;
  scenarioDir: string;
  lab: string;
  backend: string;
  seed: number;
  startedAt: string;
  hintsUsed: number;
  /** The fault steps applied, in order, with what undoes each. */
  journal: JournalEntry[];
  diagnosis?: DiagnosisRecord;
  checks: { at: string; passed: boolean }[];
  fixedAt?: string;
  /** Set when `netbreak solve` applied the reference fix: the fix then earns nothing. */
  solvedWithReference?: boolean;
  /** How often `netbreak reset` rebuilt the scenario. */
  resets?: number;
}

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

/** Replaces the session file atomically: a reader never sees half of it. */
export function writeSession(session: Session): void {
  const file = sessionFile(session.lab);
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(session, null, 2));
  fs.renameSync(tmp, file);
}

/** Read, change and write the session under an exclusive lock, so two shells never lose each other's update. */
export async function updateSession(lab: string, change: (s: Session) => void): Promise<Session> {
  const lock = `${sessionFile(lab)}.lock`;
  const until = Date.now() + 5000;
  for (;;) {
    try {
      fs.writeFileSync(lock, String(process.pid), { flag: 'wx' });
      break;
    } catch {
      const holder = Number(fs.readFileSync(lock, 'utf8') || 0);
      if (holder && !processAlive(holder)) fs.rmSync(lock, { force: true });
      else if (Date.now() > until) throw new Error(`another netbreak command (pid ${holder}) is updating this session: wait for it to finish and try again`);
      else await new Promise((r) => setTimeout(r, 20));
    }
  }
  try {
    const session = readSession(lab);
    if (!session) throw new Error(`no scenario is running on lab "${lab}"`);
    change(session);
    writeSession(session);
    return session;
  } finally {
    fs.rmSync(lock, { force: true });
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
