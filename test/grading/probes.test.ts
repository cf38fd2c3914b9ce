import { describe, expect, it } from 'vitest';
import { judgeProbe, majority, meetsExpectation } from '../../src/grading/probes.js';
import type { ProbeResult } from '../../src/lab/lab.js';
import type { ProbeOutcome } from '../../src/scenario/schema.js';
import { FakeLab } from '../helpers/fake-lab.js';

const FROM = 'shop/frontend';
const TO = 'http://api.shop.svc.cluster.local:8080/';

/** A lab whose n-th probe gets the n-th scripted answer. */
function labAnswering(answers: Partial<ProbeResult>[]): FakeLab {
  const lab = new FakeLab();
  lab.probeHandler = (_req, attempt) => ({ outcome: 'success', detail: `attempt ${attempt}`, ms: 1, ...answers[attempt] });
  return lab;
}

describe('judgeProbe', () => {
  it('sends the probe three times from the given pod to the given target', async () => {
    const lab = labAnswering([]);
    await judgeProbe(lab, { from: FROM, to: TO, expect: 'success' });
    const probes = lab.calls.filter((c) => c.op === 'probe');
    expect(probes).toHaveLength(3);
    for (const p of probes) expect(p).toMatchObject({ request: { from: FROM, to: TO } });
  });

  it('one lost packet does not flip a passing verdict', async () => {
    const judged = await judgeProbe(labAnswering([{}, { outcome: 'timeout', detail: 'no answer within 1000 ms' }, {}]), {
      from: FROM,
      to: TO,
      expect: 'success',
    });
    expect(judged).toMatchObject({ outcome: 'success', pass: true, from: FROM, to: TO, expect: 'success' });
  });

  it('one lucky success does not pass a probe that mostly times out, and reports a timeout result', async () => {
    const judged = await judgeProbe(labAnswering([{ outcome: 'timeout', detail: 'no answer A' }, {}, { outcome: 'timeout', detail: 'no answer B' }]), {
      from: FROM,
      to: TO,
      expect: 'success',
    });
    expect(judged.outcome).toBe('timeout');
    expect(judged.pass).toBe(false);
    expect(judged.result.outcome).toBe('timeout');
    expect(['no answer A', 'no answer B']).toContain(judged.result.detail);
  });

  it('a success answered by a pod outside the expected backend is wrong-backend', async () => {
    const wrong = { answeredBy: 'reports-5f6d-abcde' };
    const judged = await judgeProbe(labAnswering([wrong, wrong, wrong]), { from: FROM, to: TO, expect: 'success', backend: 'api-' });
    expect(judged.outcome).toBe('wrong-backend');
    expect(judged.pass).toBe(false);
  });

  it('a success answered by the expected backend passes, and a missing answeredBy is not trusted', async () => {
    const right = { answeredBy: 'api-7d9f5-x2kqp' };
    expect((await judgeProbe(labAnswering([right, right, right]), { from: FROM, to: TO, expect: 'success', backend: 'api-' })).pass).toBe(true);
    expect((await judgeProbe(labAnswering([{}, {}, {}]), { from: FROM, to: TO, expect: 'success', backend: 'api-' })).outcome).toBe('wrong-backend');
  });

  it('the backend check is judged per attempt before the majority', async () => {
    const judged = await judgeProbe(labAnswering([{ answeredBy: 'api-1' }, { answeredBy: 'reports-1' }, { answeredBy: 'reports-2' }]), {
      from: FROM,
      to: TO,
      expect: 'wrong-backend',
      backend: 'api-',
    });
    expect(judged).toMatchObject({ outcome: 'wrong-backend', pass: true });
    expect(judged.result.answeredBy).toMatch(/^reports-/);
  });

  it('settles as soon as two attempts agree, without waiting for the third', async () => {
    const lab = new FakeLab();
    let releaseThird = () => {};
    lab.probe = async (request) => {
      lab.calls.push({ op: 'probe', request });
      const attempt = lab.calls.filter((c) => c.op === 'probe').length;
      if (attempt === 3) await new Promise<void>((resolve) => (releaseThird = resolve));
      return { outcome: 'timeout', detail: `attempt ${attempt}`, ms: 250 };
    };
    const judged = await judgeProbe(lab, { from: FROM, to: TO, expect: 'timeout' });
    expect(judged).toMatchObject({ outcome: 'timeout', pass: true });
    releaseThird();
  });

  it('expect failure passes on any outcome but success', async () => {
    const refused = await judgeProbe(labAnswering(Array(3).fill({ outcome: 'refused' })), { from: FROM, to: TO, expect: 'failure' });
    expect(refused).toMatchObject({ outcome: 'refused', pass: true });
    const ok = await judgeProbe(labAnswering([]), { from: FROM, to: TO, expect: 'failure' });
    expect(ok).toMatchObject({ outcome: 'success', pass: false });
  });
});

describe('meetsExpectation', () => {
  const failures: ProbeOutcome[] = ['refused', 'timeout', 'nxdomain', 'dns-timeout', 'dns-error', 'unreachable', 'wrong-backend'];
  it.each(failures)('%s counts as failure but not as success or as another outcome', (outcome) => {
    expect(meetsExpectation(outcome, 'failure')).toBe(true);
    expect(meetsExpectation(outcome, 'success')).toBe(false);
    expect(meetsExpectation(outcome, outcome)).toBe(true);
    const other = failures.find((o) => o !== outcome)!;
    expect(meetsExpectation(outcome, other)).toBe(false);
  });
  it('success does not count as failure', () => {
    expect(meetsExpectation('success', 'failure')).toBe(false);
  });
});

describe('majority', () => {
  it('picks the outcome seen most often wherever it appears', () => {
    expect(majority(['timeout', 'refused', 'refused'])).toBe('refused');
    expect(majority(['refused', 'timeout', 'refused'])).toBe('refused');
    expect(majority(['nxdomain', 'nxdomain', 'success'])).toBe('nxdomain');
  });
});
