// `netbreak exam start`: draw the tasks from the seed, write the exam record,
// and open the first task. The exam's clock starts when the first lab is built.
import { createHash } from 'node:crypto';
import { UserError } from '../../errors.js';
import { scenariosRoot } from '../scenarios-root.js';
import { pickBackend, type BackendChoice } from '../../lab/backends.js';
import { readSession } from '../session.js';
import { listScenarios } from '../../scenario/loader.js';
import { randomSeed } from '../../scenario/params.js';
import { LAYERS, type Layer } from '../../scenario/schema.js';
import { EXAM_VERSION, type ExamRecord } from '../../history/exam-record.js';
import { discardCurrentExam, writeCurrentExam } from '../../history/exam-store.js';
import { currentExam } from './current-exam.js';
import { DEFAULT_TASK_COUNT, defaultMinutes } from './clock.js';
import { drawExam } from './draw.js';
import { openTask, type ExamEnv } from './task-lab.js';

export interface ExamStartOptions {
  lab: string;
  count?: number;
  minutes?: number;
  seed?: number;
  layers?: string[];
  backend?: BackendChoice;
}

/** The --layers names, each checked against the layers scenarios can have. */
export function parseLayers(names: readonly string[]): Layer[] {
  const unknown = names.filter((n) => !(LAYERS as readonly string[]).includes(n));
  if (unknown.length > 0) throw new UserError(`--layers: ${unknown.join(', ')} is not a layer; choose from ${LAYERS.join(', ')}`);
  return [...new Set(names)] as Layer[];
}

/** The backend every task of the exam runs on: named, or what auto picks for the netns-capable library. */
async function examBackend(choice: BackendChoice): Promise<string> {
  if (choice !== 'auto') return choice;
  const pick = await pickBackend('auto', ['kind', 'netns']);
  if ('problem' in pick) throw new UserError(`no backend can run an exam on this machine: ${pick.reason}`, 3);
  return pick.backend.name;
}

export async function startExam(options: ExamStartOptions, env: ExamEnv): Promise<ExamRecord> {
  const count = options.count ?? DEFAULT_TASK_COUNT;
  if (!Number.isInteger(count) || count < 1 || count > 50) throw new UserError('--count takes a whole number from 1 to 50, for example --count 5');
  const minutes = options.minutes ?? defaultMinutes(count);
  if (!Number.isFinite(minutes) || minutes <= 0 || minutes > 24 * 60)
    throw new UserError('--minutes takes a number of minutes above 0 and at most 1440, for example --minutes 60');
  if (options.seed !== undefined && (!Number.isSafeInteger(options.seed) || options.seed < 0))
    throw new UserError('--seed takes a whole number from 0 below 2^53, for example --seed 42');
  const layers = parseLayers(options.layers ?? []);
  const running = currentExam(env.files);
  if (running) throw new UserError(`exam ${running.id} is still running: finish it with "netbreak exam end" first`);
  if (readSession(options.lab))
    throw new UserError(`a lab is already running: finish it with "netbreak stop" first (or sit the exam beside it with --lab NAME)`);
  const backend = await examBackend(options.backend ?? 'auto');
  const seed = options.seed ?? randomSeed();
  const { scenarios } = await listScenarios(scenariosRoot());
  const draw = drawExam(
    scenarios.map((l) => l.scenario),
    { seed, count, layers, backend },
  );
  if ('problem' in draw) throw new UserError(`${draw.problem}: ask for fewer with --count, or more layers with --layers`);
  const startedAt = new Date(env.clock.now()).toISOString();
  const exam: ExamRecord = {
    v: EXAM_VERSION,
    id: createHash('sha256').update(`${seed}\0${startedAt}\0${options.lab}`).digest('hex').slice(0, 8),
    seed,
    backend,
    lab: options.lab,
    minutes,
    layersAsked: layers,
    startedAt,
    pausedMs: 0,
    current: null,
    tasks: draw.tasks,
  };
  writeCurrentExam(exam, env.files);
  try {
    return await openTask(exam, 0, env);
  } catch (error) {
    // An exam whose first lab never came up was never sat: nothing is kept.
    discardCurrentExam(env.files);
    throw error;
  }
}
