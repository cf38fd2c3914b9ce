// The learner's commands report to the workshop server through this one
// function, after their own work is done. It never throws and never prints more
// than one dim line (to stderr, so --json output stays clean).
import type { Session } from '../engine/session.js';
import { joinedWorkshop } from '../workshop/files.js';
import type { WorkshopEventType } from '../workshop/session-summary.js';
import { color } from './output.js';

function warn(text: string): void {
  process.stderr.write(`${color.dim(`netbreak: workshop: ${text}`)}\n`);
}

export async function reportToWorkshop(type: WorkshopEventType, session: Session, stoppedAt?: Date): Promise<void> {
  // Most learners never join one: they do not pay for loading the workshop client.
  if (!joinedWorkshop()) return;
  try {
    const { reportSession } = await import('../workshop/reporter.js');
    const outcome = await reportSession(type, session, stoppedAt);
    if (outcome.status === 'queued') warn(`not reported yet (${outcome.reason}); ${outcome.pending} report(s) will be sent by your next command`);
    else if (outcome.status === 'refused') warn(`the server refused a report: ${outcome.reasons.join('; ')}`);
    else if (outcome.status === 'not-in-workshop' && type === 'started') warn(`${outcome.scenario} is not one of this workshop's scenarios, so this session is not reported`);
  } catch (error) {
    warn(`not reported: ${(error as Error).message}`);
  }
}
