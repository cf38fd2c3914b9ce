// The report as JUnit XML, the format every CI system ingests: one testsuite
// per session, one testcase per diagnosis part and per check item, plus one
// for the fix itself; what went wrong is a <failure>, what is not known a <skipped>.
import { escapeXml as x } from './escape.js';
import { OUTCOME_TEXT, type SessionReport } from './session-report.js';

interface Case {
  classname: string;
  name: string;
  time: number;
  failure?: { type: string; message: string; body?: string };
  skipped?: string;
}

const seconds = (ms: number | null) => (ms === null ? 0 : Math.max(0, ms) / 1000);

function cases(s: SessionReport): Case[] {
  const r = s.record;
  const base = `netbreak.${r.scenario}`;
  const list: Case[] = [];
  for (const p of s.diagnosis) {
    const c: Case = { classname: `${base}.diagnosis`, name: p.part, time: seconds(r.timeToDiagnoseMs) };
    if (p.given === null) c.failure = { type: 'not-answered', message: `no diagnosis was given (expected ${p.part} ${p.expected || 'unknown'})` };
    else if (p.correct === false) c.failure = { type: 'wrong-answer', message: `answered ${p.given}, expected ${p.expected}` };
    else if (p.correct === null) c.skipped = 'the answer key was not recorded';
    list.push(c);
  }
  for (const item of s.checkItems) {
    const c: Case = { classname: `${base}.check.${item.kind}`, name: item.description, time: 0 };
    if (item.status === 'fail') c.failure = { type: 'check-failed', message: item.detail || 'failed' };
    else if (item.status === 'unknown') c.skipped = item.detail;
    list.push(c);
  }
  const fix: Case = { classname: `${base}.fix`, name: 'fixed by the learner', time: seconds(r.timeToFixMs) };
  if (s.outcome === 'not-fixed') fix.failure = { type: 'not-fixed', message: s.lastCheck ? 'netbreak check never passed' : 'netbreak check was never run' };
  else if (s.outcome === 'solved-with-reference') fix.failure = { type: 'solved-with-reference', message: OUTCOME_TEXT[s.outcome] };
  list.push(fix);
  return list;
}

function testcase(c: Case): string {
  const open = `    <testcase classname="${x(c.classname)}" name="${x(c.name)}" time="${c.time.toFixed(3)}"`;
  if (c.failure) {
    return `${open}>\n      <failure type="${x(c.failure.type)}" message="${x(c.failure.message)}">${x(c.failure.body ?? c.failure.message)}</failure>\n    </testcase>`;
  }
  if (c.skipped !== undefined) return `${open}>\n      <skipped message="${x(c.skipped)}"/>\n    </testcase>`;
  return `${open}/>`;
}

function property(name: string, value: string | number | boolean | null): string {
  return `      <property name="${x(name)}" value="${x(value === null ? '' : String(value))}"/>`;
}

interface Suite {
  xml: string;
  tests: number;
  failures: number;
  skipped: number;
  time: number;
}

function suite(s: SessionReport, index: number): Suite {
  const r = s.record;
  const list = cases(s);
  const failures = list.filter((c) => c.failure).length;
  const skipped = list.filter((c) => !c.failure && c.skipped !== undefined).length;
  const time = s.durationMs / 1000;
  const props = [
    property('session', r.id),
    property('scenario', r.scenario),
    property('title', r.title),
    property('difficulty', r.difficulty),
    property('layers', r.layers.join(',')),
    property('backend', r.backend),
    property('seed', r.seed),
    property('lab', r.lab),
    property('hintsUsed', r.hintsUsed),
    property('diagnosisScore', r.diagnosis?.total ?? null),
    property('outcome', s.outcome),
    property('stoppedAt', r.stoppedAt),
  ];
  const xml = [
    `  <testsuite name="${x(`netbreak.${r.scenario} [${r.id}]`)}" id="${index}" tests="${list.length}" failures="${failures}" errors="0" skipped="${skipped}" time="${time.toFixed(3)}" timestamp="${x(r.startedAt.replace(/Z$/, ''))}" hostname="${x(r.lab || 'netbreak')}">`,
    '    <properties>',
    ...props,
    '    </properties>',
    ...list.map(testcase),
    '  </testsuite>',
  ].join('\n');
  return { xml, tests: list.length, failures, skipped, time };
}

export function renderJunit(sessions: SessionReport[]): string {
  const suites = sessions.map(suite);
  const sum = (k: 'tests' | 'failures' | 'skipped' | 'time') => suites.reduce((a, s) => a + s[k], 0);
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="netbreak" tests="${sum('tests')}" failures="${sum('failures')}" errors="0" skipped="${sum('skipped')}" time="${sum('time').toFixed(3)}">`,
    ...suites.map((s) => s.xml),
    '</testsuites>',
    '',
  ].join('\n');
}
