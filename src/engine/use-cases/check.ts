// `netbreak check`: the scenario's verify probes and guards, recorded in the
// session; the first pass stops the clock.
import { runCheck, type CheckReport } from '../../grading/check.js';
import type { Notice } from '../notice.js';
import type { SessionContext } from '../session-context.js';
import { updateSession, type Session } from '../session.js';
import { reportToWorkshop } from '../workshop-report.js';

export interface Checked {
  report: CheckReport;
  /** The session after this check was recorded. */
  session: Session;
  notices: Notice[];
}

export async function check({ lab, session, loaded }: SessionContext): Promise<Checked> {
  const report = await runCheck(lab, loaded.scenario);
  const at = new Date().toISOString();
  const updated = await updateSession(session.lab, (s) => {
    s.checks.push({ at, passed: report.passed, items: report.items });
    if (report.passed && !s.fixedAt) s.fixedAt = at;
  });
  return { report, session: updated, notices: await reportToWorkshop('checked', updated) };
}
