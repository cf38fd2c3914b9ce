// `netbreak hint`: the session's next hint, each costing points.
import { hintCost, hintText } from '../../grading/hints.js';
import type { Notice } from '../notice.js';
import type { SessionContext } from '../session-context.js';
import { updateSession } from '../session.js';
import { reportToWorkshop } from '../workshop-report.js';

/** `hint` is null when every hint is used already (and nothing changed). */
export type HintTaken =
  | { hint: null; used: number; total: number; notices: Notice[] }
  | { hint: string; number: number; total: number; cost: number; notices: Notice[] };

export async function takeHint({ session, loaded }: Pick<SessionContext, 'session' | 'loaded'>): Promise<HintTaken> {
  const hints = loaded.scenario.hints;
  if (session.hintsUsed >= hints.length) return { hint: null, used: session.hintsUsed, total: hints.length, notices: [] };
  // The hint is picked under the session lock: two shells asking at once get hints 2 and 3, never 2 twice.
  let hint = hints[session.hintsUsed]!;
  const updated = await updateSession(session.lab, (s) => {
    hint = hints[Math.min(s.hintsUsed, hints.length - 1)]!;
    s.hintsUsed = Math.min(s.hintsUsed + 1, hints.length);
  });
  const notices = await reportToWorkshop('hint', updated);
  return { hint: hintText(hint), number: updated.hintsUsed, total: hints.length, cost: hintCost(hint), notices };
}
