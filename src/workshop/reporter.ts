// Reporting a session to the workshop server from the learner's commands. It
// must never break or slow the loop: one try with a short timeout; when the
// server cannot be reached the report waits in the outbox, and the next command
// (or `netbreak workshop status`) sends it. While the server is known to be
// down, commands do not wait for it again for RETRY_AFTER_MS.
import type { Session } from '../history/session.js';
import { sendEvent, WorkshopRefusedError, WorkshopUnreachableError } from './client.js';
import { readMembership, readOutbox, writeOutbox, type Membership } from './membership.js';
import { summarizeSession, type WorkshopEvent, type WorkshopEventType } from './session-summary.js';

/** What all reports of one command may take together. */
const REPORT_BUDGET_MS = 1500;
export const RETRY_AFTER_MS = 30_000;

export type ReportOutcome =
  | { status: 'not-joined' }
  | { status: 'not-in-workshop'; scenario: string }
  | { status: 'sent'; sent: number }
  | { status: 'queued'; pending: number; reason: string }
  | { status: 'refused'; reasons: string[]; pending: number };

function inWorkshop(membership: Membership, scenario: string): boolean {
  return membership.room.scenarios.some((s) => s.id === scenario);
}

/**
 * Sends `event` (if any) after the reports still waiting, oldest first, within
 * the budget. `retryNow` tries even while the server is known to be down (an
 * explicit `workshop status`).
 */
export async function deliver(event?: WorkshopEvent, budgetMs = REPORT_BUDGET_MS, retryNow = false): Promise<ReportOutcome> {
  const membership = readMembership();
  if (!membership) return { status: 'not-joined' };
  if (event && !inWorkshop(membership, event.session.scenario)) return { status: 'not-in-workshop', scenario: event.session.scenario };
  const outbox = readOutbox();
  // Each report carries its session's whole state, so a newer one replaces a waiting one of the same session.
  const pending = outbox.pending.filter((p) => !event || p.session.id !== event.session.id);
  if (event) pending.push(event);
  const started = Date.now();
  if (!retryNow && started < outbox.retryAfter) {
    writeOutbox({ retryAfter: outbox.retryAfter, pending });
    return { status: 'queued', pending: pending.length, reason: `the workshop server at ${membership.server} did not answer a moment ago` };
  }
  const reasons: string[] = [];
  let sent = 0;
  while (pending.length > 0) {
    const left = budgetMs - (Date.now() - started);
    if (left < 100) break;
    try {
      await sendEvent(membership, pending[0]!, left);
      sent++;
    } catch (error) {
      if (error instanceof WorkshopUnreachableError) {
        writeOutbox({ retryAfter: Date.now() + RETRY_AFTER_MS, pending });
        return { status: 'queued', pending: pending.length, reason: error.message };
      }
      if (!(error instanceof WorkshopRefusedError)) throw error;
      reasons.push(error.message); // a refusal will not change on retry: drop the report
    }
    pending.shift();
  }
  writeOutbox({ retryAfter: 0, pending });
  if (reasons.length) return { status: 'refused', reasons, pending: pending.length };
  if (pending.length) return { status: 'queued', pending: pending.length, reason: 'there was no time left to send them all' };
  return { status: 'sent', sent };
}

export function reportSession(type: WorkshopEventType, session: Session, stoppedAt?: Date, budgetMs?: number): Promise<ReportOutcome> {
  return deliver({ type, session: summarizeSession(session, stoppedAt) }, budgetMs);
}
