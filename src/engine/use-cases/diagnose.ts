// `netbreak diagnose`: one graded answer per session (layer, object, cause and
// one fact the lab shows). This module owns the one-diagnosis rule: it is
// checked before the learner is asked, and again under the session lock, so
// two shells answering at once grade one answer.
import { diagnosisChoices, scoreDiagnosis, type DiagnosisAnswer, type DiagnosisScore } from '../../grading/diagnosis.js';
import { hintCost } from '../../grading/hints.js';
import type { Lab } from '../../lab/lab.js';
import { refString } from '../../k8s/objects.js';
import { LAYERS } from '../../scenario/schema.js';
import { UserError } from '../../errors.js';
import type { Notice } from '../notice.js';
import type { SessionContext } from '../session-context.js';
import { updateSession } from '../session.js';
import { reportToWorkshop } from '../workshop-report.js';

/** What the learner chooses from: the layers, this session's cause choices in its order, and the evidence question. */
export interface DiagnosisQuestions {
  layers: readonly string[];
  causes: { id: string; text: string }[];
  evidence: { question: string };
}

export function diagnosisQuestions({ session, loaded }: Pick<SessionContext, 'session' | 'loaded'>): DiagnosisQuestions {
  const key = loaded.scenario.diagnosis;
  const causes = diagnosisChoices(key, session.seed).map((id) => ({ id, text: key.causes[id]! }));
  return { layers: LAYERS, causes, evidence: { question: key.evidence.question } };
}

/** The lab's real objects a fault can live in: the learner picks one, as on a real cluster. */
export async function objectChoices(lab: Lab): Promise<string[]> {
  const kinds = ['NetworkPolicy', 'Service', 'Deployment', 'DaemonSet', 'ConfigMap', 'Pod', 'Node'];
  const lists = await Promise.all(kinds.map((k) => lab.list(k)));
  return lists.flat().map((o) => refString({ kind: o.kind, namespace: o.metadata.namespace, name: o.metadata.name }));
}

function alreadyAnswered(total: number): UserError {
  return new UserError(`you already answered (${total}/100); one graded diagnosis per session: "netbreak status" shows it`, 1);
}

export interface Diagnosed {
  score: DiagnosisScore;
  /** Where the lab shows the evidence, told once the answer is graded. */
  reveal: string;
  notices: Notice[];
}

/** Grades the answer `answer` gives (asked only while the session has no diagnosis yet) and records it. */
export async function diagnose(context: SessionContext, answer: () => Promise<DiagnosisAnswer>): Promise<Diagnosed> {
  const { session, loaded } = context;
  const key = loaded.scenario.diagnosis;
  if (session.diagnosis) throw alreadyAnswered(session.diagnosis.total);
  const given = await answer();
  if (!(LAYERS as readonly string[]).includes(given.layer)) throw new UserError(`--layer ${given.layer} is not a layer: use one of ${LAYERS.join(', ')}`);
  if (!(given.cause in key.causes)) throw new UserError(`--cause ${given.cause} is not one of the choices: see "netbreak diagnose --list-causes"`);
  if (given.evidence.trim() === '')
    throw new UserError('--evidence is empty: type the value the lab showed you (the question is in "netbreak diagnose --list-causes")');
  const score = scoreDiagnosis(key, given, session.hintsUsed, loaded.scenario.hints.map(hintCost));
  const updated = await updateSession(session.lab, (s) => {
    if (s.diagnosis) throw alreadyAnswered(s.diagnosis.total);
    s.diagnosis = {
      answer: given,
      evidenceCorrect: score.parts.evidence.correct,
      points: score.points,
      max: score.max,
      total: score.total,
      at: new Date().toISOString(),
    };
  });
  return { score, reveal: key.evidence.reveal, notices: await reportToWorkshop('diagnosed', updated) };
}
