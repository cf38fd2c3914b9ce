// What a learner reads when a scenario starts (`start`, and each exam task): its
// story, the symptom to reproduce and the task, whose text states what counts as
// fixed. Never its hints or its answer.
import type { Scenario } from '../scenario/schema.js';
import { color, println } from './output.js';

export function printBrief(scenario: Pick<Scenario, 'story' | 'symptom' | 'task'>): void {
  println(scenario.story.trim());
  println();
  println(`${color.bold('Symptom:')} from ${color.cyan(scenario.symptom.from)}, ${color.cyan(scenario.symptom.to)} fails.`);
  println();
  println(`${color.bold('Your task:')} ${scenario.task.trim()}`);
}
