import type { Command } from 'commander';
import { UserError } from '../../engine/errors.js';
import { updateSession } from '../../engine/session.js';
import { diagnosisChoices, scoreDiagnosis } from '../../grading/diagnosis.js';
import { hintCost } from '../../grading/hints.js';
import type { Lab } from '../../lab/lab.js';
import { refString } from '../../lab/objects.js';
import { LAYERS } from '../../scenario/schema.js';
import { sessionContext } from '../context.js';
import { color, mark, printJson, println } from '../output.js';
import { choose, interactive } from '../prompts.js';
import { reportToWorkshop } from '../workshop-report.js';

interface DiagnoseOptions {
  layer?: string;
  object?: string;
  cause?: string;
  listCauses?: boolean;
}

/** The lab's real objects a fault can live in: the learner picks one, as on a real cluster. */
async function objectChoices(lab: Lab): Promise<string[]> {
  const kinds = ['NetworkPolicy', 'Service', 'Deployment', 'DaemonSet', 'ConfigMap', 'Pod', 'Node'];
  const lists = await Promise.all(kinds.map((k) => lab.list(k)));
  return lists.flat().map((o) => refString({ kind: o.kind, namespace: o.metadata.namespace, name: o.metadata.name }));
}

export async function run(options: DiagnoseOptions, command: Command): Promise<void> {
  const json = Boolean(command.optsWithGlobals().json);
  const { lab, session, loaded } = await sessionContext(command);
  const key = loaded.scenario.diagnosis;
  const causes = diagnosisChoices(key, session.seed);
  if (options.listCauses) {
    if (json) return printJson({ layers: LAYERS, causes: causes.map((id) => ({ id, text: key.causes[id] })) });
    println(color.bold('Layers: ') + LAYERS.join(', '));
    println(color.bold('Causes:'));
    for (const id of causes) println(`  ${id.padEnd(28)} ${key.causes[id]}`);
    return;
  }
  if (session.diagnosis) {
    throw new UserError(`you already answered (${session.diagnosis.total}/100); one graded diagnosis per session: "netbreak status" shows it`, 1);
  }
  const flags = [options.layer, options.object, options.cause].filter(Boolean).length;
  let answer: { layer: string; object: string; cause: string };
  if (flags === 3) answer = { layer: options.layer!, object: options.object!, cause: options.cause! };
  else if (flags > 0 || !interactive()) {
    throw new UserError('give all three of --layer, --object and --cause (see "netbreak diagnose --list-causes"), or run diagnose in a terminal to be asked');
  } else {
    const layer = await choose('Which layer is broken?', LAYERS.map((l) => ({ name: l, value: l })));
    const object = await choose('Which object holds the fault?', (await objectChoices(lab)).map((o) => ({ name: o, value: o })));
    const cause = await choose('What is the root cause?', causes.map((id) => ({ name: key.causes[id]!, value: id })));
    answer = { layer, object, cause };
  }
  if (!(LAYERS as readonly string[]).includes(answer.layer)) throw new UserError(`--layer ${answer.layer} is not a layer: use one of ${LAYERS.join(', ')}`);
  if (!(answer.cause in key.causes)) throw new UserError(`--cause ${answer.cause} is not one of the choices: see "netbreak diagnose --list-causes"`);
  const costs = loaded.scenario.hints.map(hintCost);
  const score = scoreDiagnosis(key, answer, session.hintsUsed, costs);
  const updated = await updateSession(session.lab, (s) => {
    s.diagnosis = { answer, points: score.points, max: score.max, total: score.total, at: new Date().toISOString() };
  });
  await reportToWorkshop('diagnosed', updated);
  if (json) return printJson(score);
  for (const [part, result] of Object.entries(score.parts)) {
    println(`${mark(result.correct)} ${part.padEnd(7)} ${result.given}${result.correct ? '' : color.dim(`  (expected: ${result.expected})`)}  ${result.points} pts`);
  }
  println(`${color.bold('Score')} ${score.points}/${score.max} − ${score.hintPenalty} for hints = ${color.bold(String(score.total))}`);
}
