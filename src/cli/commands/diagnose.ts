import type { Command } from 'commander';
import { UserError } from '../../errors.js';
import { diagnose, diagnosisQuestions, objectChoices } from '../../engine/use-cases/diagnose.js';
import { DIAGNOSIS_PARTS, type DiagnosisAnswer } from '../../grading/diagnosis.js';
import { sessionContext } from '../context.js';
import { printNotices } from '../notices.js';
import { color, mark, printJson, println } from '../output.js';
import { ask, choose, interactive } from '../prompts.js';

interface DiagnoseOptions {
  layer?: string;
  object?: string;
  cause?: string;
  evidence?: string;
  listCauses?: boolean;
}

export async function run(options: DiagnoseOptions, command: Command): Promise<void> {
  const json = Boolean(command.optsWithGlobals().json);
  const context = await sessionContext(command);
  const questions = diagnosisQuestions(context);
  if (options.listCauses) {
    if (json) return printJson(questions);
    println(color.bold('Layers: ') + questions.layers.join(', '));
    println(color.bold('Causes:'));
    for (const { id, text } of questions.causes) println(`  ${id.padEnd(28)} ${text}`);
    println(color.bold('Evidence: ') + questions.evidence.question);
    return;
  }
  // The answer comes from the four flags, or else from questions in a terminal.
  const answer = async (): Promise<DiagnosisAnswer> => {
    const given = [options.layer, options.object, options.cause, options.evidence];
    const flags = given.filter((v) => v !== undefined).length;
    if (flags === given.length) return { layer: options.layer!, object: options.object!, cause: options.cause!, evidence: options.evidence! };
    if (flags > 0 || !interactive()) {
      throw new UserError(
        'give all four of --layer, --object, --cause and --evidence (see "netbreak diagnose --list-causes"), or run diagnose in a terminal to be asked',
      );
    }
    const layer = await choose(
      'Which layer is broken?',
      questions.layers.map((l) => ({ name: l, value: l })),
    );
    const object = await choose(
      'Which object holds the fault?',
      (await objectChoices(context.lab)).map((o) => ({ name: o, value: o })),
    );
    const cause = await choose(
      'What is the root cause?',
      questions.causes.map(({ id, text }) => ({ name: text, value: id })),
    );
    const evidence = await ask(`Evidence: ${questions.evidence.question}`);
    return { layer, object, cause, evidence };
  };
  const { score, reveal, notices } = await diagnose(context, answer);
  printNotices(notices);
  if (json) return printJson(score);
  for (const part of DIAGNOSIS_PARTS) {
    const result = score.parts[part];
    println(
      `${mark(result.correct)} ${part.padEnd(8)} ${result.given}${result.correct ? '' : color.dim(`  (expected: ${result.expected})`)}  ${result.points}/${result.max} pts`,
    );
  }
  println(color.dim(`  The evidence is shown by: ${reveal}`));
  println(`${color.bold('Score')} ${score.points}/${score.max} − ${score.hintPenalty} for hints = ${color.bold(String(score.total))}`);
}
