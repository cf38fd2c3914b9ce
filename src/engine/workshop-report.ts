// The learner's use-cases report to the workshop server through this one
// function, after their own work is done. It never throws: what went wrong
// comes back as at most one notice.
import type { WorkshopEventType } from '../workshop/session-summary.js';
import { joinedWorkshop } from '../workshop/files.js';
import type { Notice } from './notice.js';
import type { Session } from './session.js';

export async function reportToWorkshop(type: WorkshopEventType, session: Session, stoppedAt?: Date): Promise<Notice[]> {
  // Most learners never join one: they do not pay for loading the workshop client.
  if (!joinedWorkshop()) return [];
  const notice = (text: string): Notice[] => [{ about: 'workshop', text }];
  try {
    const { reportSession } = await import('../workshop/reporter.js');
    const outcome = await reportSession(type, session, stoppedAt);
    if (outcome.status === 'queued') return notice(`not reported yet (${outcome.reason}); ${outcome.pending} report(s) will be sent by your next command`);
    if (outcome.status === 'refused') return notice(`the server refused a report: ${outcome.reasons.join('; ')}`);
    if (outcome.status === 'not-in-workshop' && type === 'started')
      return notice(`${outcome.scenario} is not one of this workshop's scenarios, so this session is not reported`);
    return [];
  } catch (error) {
    return notice(`not reported: ${(error as Error).message}`);
  }
}
