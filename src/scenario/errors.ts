// Errors a scenario author (or a learner naming a scenario) can cause. The CLI
// prints `message` as is: one sentence with the file, line and field first, so
// an editor or terminal can jump to the spot, and never a stack trace.
import path from 'node:path';

/** One problem found in a scenario folder; `scenario validate` lists them all. */
export interface ScenarioIssue {
  /** The file as the user should see it (relative to the current directory when possible). */
  file: string;
  line?: number;
  column?: number;
  /** The field, as `fault[1].nodeExec.node`; absent when the problem is the whole file. */
  path?: string;
  /** What is wrong and, where obvious, what to do; no location. */
  problem: string;
  /** The whole sentence: `file:line: path: problem.` */
  message: string;
}

export interface ScenarioErrorInit {
  file: string;
  line?: number;
  column?: number;
  path?: string;
  problem: string;
  /** Every problem found, when there were several; the first one is the message. */
  issues?: ScenarioIssue[];
  cause?: unknown;
  /** Replaces the `file:line: path: problem` sentence, for errors that are not about one spot. */
  message?: string;
}

export class ScenarioError extends Error {
  override readonly name = 'ScenarioError';
  readonly file: string;
  readonly line: number | undefined;
  readonly column: number | undefined;
  readonly path: string | undefined;
  readonly problem: string;
  readonly issues: readonly ScenarioIssue[];

  constructor(init: ScenarioErrorInit) {
    const issue = makeIssue(init);
    super(init.message !== undefined ? oneLine(init.message, 2000) : issue.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.file = issue.file;
    this.line = issue.line;
    this.column = issue.column;
    this.path = issue.path;
    this.problem = issue.problem;
    this.issues = init.issues && init.issues.length > 0 ? init.issues : [issue];
  }

  /** The error for a list of problems: the first one speaks, all are kept in `issues`. */
  static fromIssues(issues: ScenarioIssue[], cause?: unknown): ScenarioError {
    const first = issues[0];
    if (!first) throw new Error('ScenarioError.fromIssues needs at least one issue');
    const init: ScenarioErrorInit = { file: first.file, problem: first.problem, issues };
    if (first.line !== undefined) init.line = first.line;
    if (first.column !== undefined) init.column = first.column;
    if (first.path !== undefined) init.path = first.path;
    if (cause !== undefined) init.cause = cause;
    return new ScenarioError(init);
  }
}

/** Builds one issue and its sentence from a location and a problem. */
export function makeIssue(loc: { file: string; line?: number; column?: number; path?: string; problem: string }): ScenarioIssue {
  const problem = sentence(loc.problem);
  const issue: ScenarioIssue = { file: loc.file, problem, message: '' };
  if (loc.line !== undefined) issue.line = loc.line;
  if (loc.column !== undefined) issue.column = loc.column;
  if (loc.path !== undefined && loc.path !== '') issue.path = loc.path;
  let where = loc.file;
  if (issue.line !== undefined) where += `:${issue.line}`;
  if (issue.line !== undefined && issue.column !== undefined) where += `:${issue.column}`;
  issue.message = `${where}: ${issue.path ? `${oneLine(issue.path, 200)}: ` : ''}${problem}`;
  return issue;
}

/** A file name as the user should see it: relative to the current directory when it lies below it. */
export function displayPath(absPath: string, cwd: string = process.cwd()): string {
  const rel = path.relative(cwd, absPath);
  if (rel === '') return '.';
  if (rel.startsWith('..') || path.isAbsolute(rel)) return absPath;
  return rel;
}

/** `['fault', 1, 'nodeExec', 'node']` → `fault[1].nodeExec.node`. */
export function formatPath(segments: readonly PropertyKey[]): string {
  let out = '';
  for (const seg of segments) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else {
      const text = String(seg);
      if (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(text)) out += out === '' ? text : `.${text}`;
      else out += `[${quote(text)}]`;
    }
  }
  return out;
}

/** Text from a user's file, made safe for a one-line message: no control characters, bounded length. */
export function oneLine(text: string, max = 160): string {
  // eslint-disable-next-line no-control-regex
  const flat = text
    .replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ')
    .replace(/ {2,}/g, ' ')
    .trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** A value from a user's file in double quotes, escaped and shortened. */
export function quote(text: string, max = 60): string {
  const short = text.length > max ? `${text.slice(0, max - 1)}…` : text;
  return JSON.stringify(short).replace(/[\u2028\u2029]/g, ' ');
}

function sentence(text: string): string {
  const flat = oneLine(text, 1000);
  if (flat === '') return 'is invalid.';
  return /[.?!]$/.test(flat) ? flat : `${flat}.`;
}
