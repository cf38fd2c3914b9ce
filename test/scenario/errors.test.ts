import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ScenarioError, displayPath, formatPath, makeIssue, oneLine, quote } from '../../src/scenario/errors.js';

describe('ScenarioError', () => {
  it('reads file:line: path: problem, as one sentence', () => {
    const err = new ScenarioError({
      file: 'scenarios/x/scenario.yaml',
      line: 14,
      path: 'diagnosis.cause',
      problem: 'must be one of the ids listed under causes',
    });
    expect(err.message).toBe('scenarios/x/scenario.yaml:14: diagnosis.cause: must be one of the ids listed under causes.');
    expect(err).toBeInstanceOf(Error);
    expect(err.name).toBe('ScenarioError');
    expect(err.issues).toEqual([
      { file: 'scenarios/x/scenario.yaml', line: 14, path: 'diagnosis.cause', problem: 'must be one of the ids listed under causes.', message: err.message },
    ]);
  });

  it('adds a column when given, and leaves out what is missing', () => {
    expect(new ScenarioError({ file: 'a.yaml', line: 3, column: 7, problem: 'YAML syntax error: x' }).message).toBe('a.yaml:3:7: YAML syntax error: x.');
    expect(new ScenarioError({ file: 'a.yaml', problem: 'does not exist' }).message).toBe('a.yaml: does not exist.');
    expect(new ScenarioError({ file: 'a.yaml', problem: 'did you mean b?' }).message).toBe('a.yaml: did you mean b?');
  });

  it('flattens text from the file into one line', () => {
    const err = new ScenarioError({ file: 'a.yaml', line: 1, problem: 'bad value "x\ny"\r\n\tend' });
    expect(err.message).toBe('a.yaml:1: bad value "x y" end.');
  });

  it('keeps the cause and all issues', () => {
    const cause = new Error('inner');
    const issues = [makeIssue({ file: 'a.yaml', line: 2, problem: 'first' }), makeIssue({ file: 'a.yaml', line: 5, problem: 'second' })];
    const err = ScenarioError.fromIssues(issues, cause);
    expect(err.message).toBe('a.yaml:2: first.');
    expect(err.cause).toBe(cause);
    expect(err.issues.map((i) => i.message)).toEqual(['a.yaml:2: first.', 'a.yaml:5: second.']);
  });
});

describe('helpers', () => {
  it('formats paths like fault[1].nodeExec.node', () => {
    expect(formatPath(['fault', 1, 'nodeExec', 'node'])).toBe('fault[1].nodeExec.node');
    expect(formatPath(['diagnosis', 'causes', 'Bad Id'])).toBe('diagnosis.causes["Bad Id"]');
    expect(formatPath([])).toBe('');
  });

  it('shows files relative to the current directory when they are below it', () => {
    expect(displayPath(path.join(process.cwd(), 'scenarios', 'x', 'scenario.yaml'))).toBe(path.join('scenarios', 'x', 'scenario.yaml'));
    expect(displayPath('/elsewhere/scenario.yaml', '/work/main')).toBe('/elsewhere/scenario.yaml');
  });

  it('bounds and escapes user text', () => {
    expect(oneLine('a'.repeat(500), 10)).toBe('aaaaaaaaa…');
    expect(quote('a"b\n')).toBe('"a\\"b\\n"');
  });
});
