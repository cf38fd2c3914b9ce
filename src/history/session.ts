// The persisted state of one learner's session on one lab, as plain data: which
// scenario, when the clock started, the hints taken, the fault journal and the
// grades. It lives here, below the engine, because history and the workshop
// read finished sessions too; the engine (src/engine/session.ts) owns reading,
// locking and writing the file.
import type { UndoRecord } from '../faults/fault-kind.js';
import type { CheckItem } from '../grading/check.js';
import type { DiagnosisAnswer } from '../grading/diagnosis.js';
import type { Step } from '../scenario/schema.js';

/** Which part of the scenario made a change: its setup manifests, its fault, or its reference fix. */
export type JournalPhase = 'setup' | 'fault' | 'fix';

/** A change that was made, with what undoes it. Entries of older sessions have no phase or state. */
export interface JournalEntry {
  step: Step;
  undo: UndoRecord;
  phase?: JournalPhase;
  state?: 'done';
}

/**
 * A change about to be made. It is on disk before the change starts and is
 * replaced by its JournalEntry once the change is made, so an intent that is
 * still there means the process died in the middle of that change.
 */
export interface JournalIntent {
  step: Step;
  phase: JournalPhase;
  state: 'intent';
  at: string;
}

export interface DiagnosisRecord {
  answer: DiagnosisAnswer;
  /** Whether the evidence was right: the board shows it apart from the score. Absent in older sessions. */
  evidenceCorrect?: boolean;
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
  /** Picks the scenario's variant (its params) and the order of the cause choices; reset reuses it. */
  seed: number;
  startedAt: string;
  hintsUsed: number;
  /** Every change made for the scenario (setup, fault, reference fix), in order, each written before it is made. */
  journal: (JournalEntry | JournalIntent)[];
  /**
   * `starting` from the moment the lab's folder exists until the symptom is
   * confirmed (start and reset); `running` after. Absent in older sessions: running.
   */
  status?: 'starting' | 'running';
  diagnosis?: DiagnosisRecord;
  checks: { at: string; passed: boolean; items?: CheckItem[] }[];
  fixedAt?: string;
  /** Set when `netbreak solve` applied the reference fix: the fix then earns nothing. */
  solvedWithReference?: boolean;
  /** How often `netbreak reset` rebuilt the scenario. */
  resets?: number;
}
