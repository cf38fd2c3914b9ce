// `netbreak report`: a finished session (or all of them) as a document: the
// debrief, the answers, the score and the check results, in Markdown, HTML,
// JSON or JUnit XML.
import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { UserError } from '../../errors.js';
import { defaultHistory, readHistory } from '../../history/store.js';
import { renderReport, selectSessions, type ReportFormat, type Selection } from '../../report/render.js';
import { readFinishedExams } from '../../history/exam-store.js';
import { renderExamReport, selectExam } from '../../report/exam.js';
import { printJson, println } from '../output.js';
import { warn } from './progress.js';

interface ReportOptions {
  session?: string;
  exam?: string;
  all?: boolean;
  format: ReportFormat;
  output?: string;
}

/** Replaces the file whole: a reader (a browser, a CI upload) never sees half a report. */
function writeReport(file: string, text: string): void {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  try {
    fs.writeFileSync(tmp, text);
    fs.renameSync(tmp, file);
  } catch (error) {
    fs.rmSync(tmp, { force: true });
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new UserError(`-o ${file}: the folder ${path.dirname(file)} does not exist; create it or pick another path`);
    if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') throw new UserError(`-o ${file}: no permission to write there; pick another path`);
    if (code === 'EISDIR') throw new UserError(`-o ${file} is a folder; give a file name such as ${path.join(file, 'report.html')}`);
    throw error;
  }
}

/** `--exam ID`: the score table of a finished exam. */
function examReport(id: string, format: ReportFormat, output: string | undefined, json: boolean): void {
  const { exams, warnings } = readFinishedExams();
  warn(warnings);
  const exam = selectExam(exams, id);
  if ('problem' in exam) {
    if (exam.problem === 'empty') throw new UserError('there are no finished exams to report yet: sit one with "netbreak exam start"', 1);
    throw new UserError(
      `--exam ${id} ${exam.problem === 'ambiguous' ? 'matches several exams: give more of the id' : 'is not a finished exam: "netbreak progress" lists recent exam ids'}`,
    );
  }
  const document = renderExamReport(format, exam);
  if (!output) return void process.stdout.write(document);
  writeReport(output, document);
  if (json) return printJson({ file: path.resolve(output), format, exam: exam.id });
  println(`Wrote ${output}: ${format} report of exam ${exam.id}.`);
}

export async function run(options: ReportOptions, command: Command): Promise<void> {
  const json = Boolean(command.optsWithGlobals().json);
  if ([options.session !== undefined, options.all, options.exam !== undefined].filter(Boolean).length > 1)
    throw new UserError('give one of --session ID, --all or --exam ID');
  // --json alone asks for the JSON document; an explicit --format wins.
  const format: ReportFormat = json && command.getOptionValueSource('format') === 'default' ? 'json' : options.format;
  if (options.exam !== undefined) return examReport(options.exam, format, options.output, json);
  const { records, warnings } = readHistory(defaultHistory().file);
  warn(warnings);
  const selection: Selection = options.all ? { kind: 'all' } : options.session !== undefined ? { kind: 'id', id: options.session } : { kind: 'latest' };
  const chosen = selectSessions(records, selection);
  if (!chosen.ok) {
    if (chosen.reason === 'empty')
      throw new UserError(
        'there are no finished sessions to report yet: play one ("netbreak list", "netbreak start <scenario>") and end it with "netbreak stop"',
        1,
      );
    if (chosen.reason === 'ambiguous')
      throw new UserError(
        `--session ${options.session} matches ${chosen.matches.length} sessions (${chosen.matches.slice(0, 5).join(', ')}): give more of the id`,
      );
    throw new UserError(`--session ${options.session} is not in the history: "netbreak progress" lists recent session ids`);
  }
  const document = renderReport(format, chosen.records);
  const ids = chosen.records.map((r) => r.id);
  if (options.output) {
    writeReport(options.output, document);
    if (json) return printJson({ file: path.resolve(options.output), format, sessions: ids });
    println(
      `Wrote ${options.output}: ${format} report of ${ids.length === 1 ? `session ${ids[0]} (${chosen.records[0]!.scenario})` : `${ids.length} sessions`}.`,
    );
    return;
  }
  if (json && format !== 'json') return printJson({ format, sessions: ids, document });
  process.stdout.write(document);
}
