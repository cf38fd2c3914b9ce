// A finished exam's report: the score table per task and per layer in each format.
import { expect, it } from 'vitest';
import { examResult } from '../../src/engine/exam/score.js';
import type { ExamRecord } from '../../src/history/exam-record.js';
import { renderExamReport, selectExam } from '../../src/report/exam.js';
import { examRecord } from '../helpers/exam-record.js';

const tasks: ExamRecord['tasks'] = [
  {
    scenario: 'friday-merge',
    title: 'Friday <merge>',
    layers: ['networkpolicy'],
    difficulty: 'beginner',
    seed: 3,
    weight: 40,
    flagged: false,
    sessions: ['s1'],
    grade: { fixed: true, diagnosis: 80, points: 36.8, judgedBy: 'grader-check' },
  },
  { scenario: 'nothing-resolves', title: 'Nothing resolves', layers: ['dns'], difficulty: 'advanced', seed: 9, weight: 60, flagged: true, sessions: [] },
];
const exam = examRecord({ tasks, endedAt: '2026-12-07T10:20:00.000Z', endedBy: 'time', result: examResult({ tasks }) });

it('writes the score table per task and per layer in Markdown', () => {
  const md = renderExamReport('md', exam);
  expect(md).toMatch(/^# netbreak exam abc12345$/m);
  expect(md).toContain('seed 7, 2 tasks in 24 minutes on netns; 36.8%, not passed (pass mark 66%)');
  expect(md).toContain('| 1 | Friday &lt;merge&gt; (friday-merge) | 40% | ✓ pass | 80/100 | 36.8/40 | s1 |');
  expect(md).toContain('| 2 | Nothing resolves (nothing-resolves) | 60% | ✗ fail | — | 0/60 | — |');
  expect(md).toContain('| dns | 1 | 0% |');
});

it('gives CI one testcase per task, a failure for each task not fixed, and escapes HTML', () => {
  const xml = renderExamReport('junit', exam);
  expect(xml).toMatch(/<testsuite name="netbreak exam abc12345" tests="2" failures="1"/);
  expect(xml).toContain('<testcase classname="netbreak.exam.abc12345" name="task 1: friday-merge" time="0.000"/>');
  expect(xml).toContain('message="not fixed when graded; scored 0 of 60 (diagnosis not given)"');
  expect(renderExamReport('html', exam)).toContain('Friday &lt;merge&gt; (friday-merge)');
});

it('finds an exam by latest, its id or a prefix', () => {
  const other = { ...exam, id: 'abd99999' };
  expect(selectExam([exam, other], 'latest')).toBe(other);
  expect(selectExam([exam, other], 'abc')).toBe(exam);
  expect(selectExam([exam, other], 'ab')).toEqual({ problem: 'ambiguous' });
  expect(selectExam([], 'latest')).toEqual({ problem: 'empty' });
});
