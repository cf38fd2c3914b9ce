// The one graded diagnosis per session: refused before the learner is asked
// when one is recorded, and again under the session lock when another shell
// answered while this one was asking.
import { expect, it } from 'vitest';
import { diagnose, diagnosisQuestions } from '../../../src/engine/use-cases/diagnose.js';
import { updateSession } from '../../../src/engine/session.js';
import { playing, useTempFolders } from './fixture.js';

useTempFolders();

/** The right answer in this session's variant. */
const right = (params: Record<string, unknown>) => ({
  layer: 'service',
  object: `Service/${params.namespace}/api`,
  cause: 'selector-matches-no-pods',
  evidence: `${params.labelKey}=${params.apiLabel}-v2`,
});

it('grades the answer, records it once and tells where the evidence shows', async () => {
  const { context, session } = await playing({ hintsUsed: 1 });
  const { params } = context.loaded;
  const { score, reveal, notices } = await diagnose(context, async () => right(params));
  expect(score.points).toBe(score.max);
  expect(score.total).toBe(score.points - score.hintPenalty);
  expect(score.hintPenalty).toBeGreaterThan(0);
  expect(reveal).toBe(`netbreak describe svc/api -n ${params.namespace}`);
  expect(notices).toEqual([]);
  expect(session().diagnosis).toMatchObject({ answer: right(params), total: score.total });
});

it('does not ask a learner who already answered', async () => {
  const { context } = await playing({
    diagnosis: { answer: right({ namespace: 'shop', labelKey: 'app', apiLabel: 'api' }), points: 65, max: 100, total: 65, at: '2026-01-01T00:00:00.000Z' },
  });
  let asked = false;
  const answered = diagnose(context, async () => {
    asked = true;
    return right({ namespace: 'shop', labelKey: 'app', apiLabel: 'api' });
  });
  await expect(answered).rejects.toMatchObject({
    message: 'you already answered (65/100); one graded diagnosis per session: "netbreak status" shows it',
    exitCode: 1,
  });
  expect(asked).toBe(false);
});

it('grades one answer when another shell answers while this one is asking', async () => {
  const { context, session } = await playing();
  const { params } = context.loaded;
  const answered = diagnose(context, async () => {
    // The other shell's answer lands while this learner is still typing.
    await updateSession(context.session.lab, (s) => {
      s.diagnosis = { answer: { ...right(params), cause: 'api-not-ready' }, points: 10, max: 100, total: 10, at: new Date().toISOString() };
    });
    return right(params);
  });
  await expect(answered).rejects.toMatchObject({
    message: 'you already answered (10/100); one graded diagnosis per session: "netbreak status" shows it',
    exitCode: 1,
  });
  expect(session().diagnosis!.answer.cause).toBe('api-not-ready');
});

it('refuses a layer or cause that is not a choice, and empty evidence, recording nothing', async () => {
  const { context, session } = await playing();
  const { params } = context.loaded;
  await expect(diagnose(context, async () => ({ ...right(params), layer: 'pods' }))).rejects.toThrow(/^--layer pods is not a layer: use one of /);
  await expect(diagnose(context, async () => ({ ...right(params), cause: 'dns' }))).rejects.toThrow(
    '--cause dns is not one of the choices: see "netbreak diagnose --list-causes"',
  );
  await expect(diagnose(context, async () => ({ ...right(params), evidence: '  ' }))).rejects.toThrow(/^--evidence is empty/);
  expect(session().diagnosis).toBeUndefined();
});

it('offers every cause of the key once, in the order of the session’s seed', async () => {
  const { context } = await playing();
  const questions = diagnosisQuestions(context);
  expect(questions.causes.map((c) => c.id).sort()).toEqual(Object.keys(context.loaded.scenario.diagnosis.causes).sort());
  expect(questions.causes.find((c) => c.id === 'selector-matches-no-pods')!.text).toMatch(/^The api Service's selector matches none/);
  expect(questions.evidence.question).toBe('Which label must a pod carry to be selected by the api Service?');
});
