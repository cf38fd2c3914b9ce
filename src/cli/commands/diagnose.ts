import type { Command } from 'commander';
import { UserError } from '../../errors.js';
import { updateSession } from '../../engine/session.js';
import { DIAGNOSIS_PARTS, diagnosisChoices, scoreDiagnosis, type DiagnosisAnswer } from '../../grading/diagnosis.js';
import { hintCost } from '../../grading/hints.js';
import type { Lab } from '../../lab/lab.js';
import { refString } from '../../k8s/objects.js';
import { LAYERS } from '../../scenario/schema.js';
import { sessionContext } from '../context.js';
import { color, mark, printJson, println } from '../output.js';
import { ask, choose, interactive } from '../prompts.js';
import { reportToWorkshop } from '../workshop-report.js';

interface DiagnoseOptions {
  layer?: string;
  object?: string;
  cause?: string;
  evidence?: string;
  listCauses?: boolean;
}

/** The lab's real objects a fault can live in: the learner picks one, as on a real cluster. */
async function objectChoices(lab: Lab): Promise<string[]> {
  const kinds = ['NetworkPolicy', 'Service', 'Deployment', 'DaemonSet', 'ConfigMap', 'Pod', 'Node'];
  const lists = await Promise.all(kinds.map((k) => lab.list(k)));
  return lists.flat().map((o) => refString({ kind: o.kind, namespace: o.metadata.namespace, name: o.metadata.name }));
}

function alreadyAnswered(total: number): UserError {
  return new UserError(`you already answered (${total}/100); one graded diagnosis per session: "netbreak status" shows it`, 1);
}

export async function run(options: DiagnoseOptions, command: Command): Promise<void> {
  const json = Boolean(command.optsWithGlobals().json);
  const { lab, session, loaded } = await sessionContext(command);
  const key = loaded.scenario.diagnosis;
  const causes = diagnosisChoices(key, session.seed);
  const { question } = key.evidence;
  if (options.listCauses) {
    if (json) return printJson({ layers: LAYERS, causes: causes.map((id) => ({ id, text: key.causes[id] })), evidence: { question } });
    println(color.bold('Layers: ') + LAYERS.join(', '));
    println(color.bold('Causes:'));
    for (const id of causes) println(`  ${id.padEnd(28)} ${key.causes[id]}`);
    println(color.bold('Evidence: ') + question);
    return;
  }
  if (session.diagnosis) throw alreadyAnswered(session.diagnosis.total);
  const given = [options.layer, options.object, options.cause, options.evidence];
  const flags = given.filter((v) => v !== undefined).length;
  let answer: DiagnosisAnswer;
  if (flags === given.length) answer = { layer: options.layer!, object: options.object!, cause: options.cause!, evidence: options.evidence! };
  else if (flags > 0 || !interactive()) {
    throw new UserError('give all four of --layer, --object, --cause and --evidence (see "netbreak diagnose --list-causes"), or run diagnose in a terminal to be asked');
  } else {
    const layer = await choose('Which layer is broken?', LAYERS.map((l) => ({ name: l, value: l })));
    const object = await choose('Which object holds the fault?', (await objectChoices(lab)).map((o) => ({ name: o, value: o })));
    const cause = await choose('What is the root cause?', causes.map((id) => ({ name: key.causes[id]!, value: id })));
    const evidence = await ask(`Evidence: ${question}`);
    answer = { layer, object, cause, evidence };
  }
  if (!(LAYERS as readonly string[]).includes(answer.layer)) throw new UserError(`--layer ${answer.layer} is not a layer: use one of ${LAYERS.join(', ')}`);
  if (!(answer.cause in key.causes)) throw new UserError(`--cause ${answer.cause} is not one of the choices: see "netbreak diagnose --list-causes"`);
  if (answer.evidence.trim() === '') throw new UserError('--evidence is empty: type the value the lab showed you (the question is in "netbreak diagnose --list-causes")');
  const costs = loaded.scenario.hints.map(hintCost);
  const score = scoreDiagnosis(key, answer, session.hintsUsed, costs);
  // The one-diagnosis rule is checked again under the lock: two shells answering at once grade one answer.
  const updated = await updateSession(session.lab, (s) => {
    if (s.diagnosis) throw alreadyAnswered(s.diagnosis.total);
    s.diagnosis = { answer, evidenceCorrect: score.parts.evidence.correct, points: score.points, max: score.max, total: score.total, at: new Date().toISOString() };
  });
  await reportToWorkshop('diagnosed', updated);
  if (json) return printJson(score);
  for (const part of DIAGNOSIS_PARTS) {
    const result = score.parts[part];
    println(`${mark(result.correct)} ${part.padEnd(8)} ${result.given}${result.correct ? '' : color.dim(`  (expected: ${result.expected})`)}  ${result.points}/${result.max} pts`);
  }
  println(color.dim(`  The evidence is shown by: ${key.evidence.reveal}`));
  println(`${color.bold('Score')} ${score.points}/${score.max} − ${score.hintPenalty} for hints = ${color.bold(String(score.total))}`);
}
