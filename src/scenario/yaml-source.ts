// Reading YAML files that users wrote: bounded in size, parsed with line
// tracking, with every library error turned into a ScenarioError that names the
// file and line, and a way back from a data path to the line it came from.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { LineCounter, isAlias, isMap, isScalar, isSeq, parseAllDocuments, parseDocument, visit, type Alias, type Document } from 'yaml';
import { ScenarioError, oneLine } from './errors.js';

/** Files bigger than this are refused before they are read whole. */
export const MAX_FILE_BYTES = 1024 * 1024;
/** Bounds alias expansion (yaml's guard against "billion laughs"). */
export const MAX_ALIAS_COUNT = 100;

const PARSE_OPTIONS = { prettyErrors: false, uniqueKeys: true } as const;

export interface YamlText {
  /** Display name of the file, for messages. */
  file: string;
  text: string;
}

export interface ParsedYaml {
  file: string;
  doc: Document.Parsed;
  lineCounter: LineCounter;
  /** The document as plain data (aliases expanded, bounded). */
  data: unknown;
}

export interface Position {
  line: number;
  column: number;
}

function sizeText(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / (1024 * 1024)).toFixed(1)} MiB` : `${Math.ceil(bytes / 1024)} KiB`;
}

function tooBig(file: string, bytes: number): ScenarioError {
  return new ScenarioError({
    file,
    problem: `is ${sizeText(bytes)}, more than the 1 MiB netbreak reads; make it smaller or split it into several files`,
  });
}

/** Why a file could not be opened, in words; undefined for errors that are not the user's doing. */
export function fileProblem(err: unknown): string | undefined {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOENT':
      return 'does not exist';
    case 'ENOTDIR':
      return 'does not exist (a part of its path is not a folder)';
    case 'EACCES':
    case 'EPERM':
      return 'cannot be read (permission denied)';
    case 'EISDIR':
      return 'is a folder, not a file';
    case 'ELOOP':
      return 'is a symbolic link that loops';
    case 'ENAMETOOLONG':
      return 'has a name that is too long';
    default:
      return undefined;
  }
}

/**
 * Reads a text file, refusing anything but a regular file of at most 1 MiB.
 * The reads are synchronous on purpose: scenario files are small and local,
 * and a dozen thread-pool round trips per scenario cost more than the reads.
 */
export async function readYamlText(absPath: string, file: string): Promise<YamlText> {
  return readYamlTextSync(absPath, file);
}

export function readYamlTextSync(absPath: string, file: string): YamlText {
  let fd: number;
  try {
    fd = openSync(absPath, 'r');
  } catch (err) {
    const problem = fileProblem(err);
    if (problem) throw new ScenarioError({ file, problem, cause: err });
    throw err;
  }
  try {
    const st = fstatSync(fd);
    if (st.isDirectory()) throw new ScenarioError({ file, problem: 'is a folder, not a file' });
    if (!st.isFile()) throw new ScenarioError({ file, problem: 'is not a regular file' });
    if (st.size > MAX_FILE_BYTES) throw tooBig(file, st.size);
    // The file may grow between stat and read: read until the end, but never
    // more than one byte past the limit.
    const chunks: Buffer[] = [];
    let length = 0;
    let chunkSize = st.size + 1;
    for (;;) {
      const want = Math.min(chunkSize, MAX_FILE_BYTES + 1 - length);
      if (want <= 0) break;
      const chunk = Buffer.allocUnsafe(want);
      const bytesRead = readSync(fd, chunk, 0, want, length);
      if (bytesRead === 0) break;
      chunks.push(chunk.subarray(0, bytesRead));
      length += bytesRead;
      // A short read of a regular file means its end.
      if (bytesRead < want) break;
      chunkSize = 64 * 1024;
    }
    if (length > MAX_FILE_BYTES) throw tooBig(file, length);
    return { file, text: new TextDecoder('utf-8').decode(Buffer.concat(chunks, length)) };
  } catch (err) {
    if (err instanceof ScenarioError) throw err;
    const problem = fileProblem(err);
    if (problem) throw new ScenarioError({ file, problem, cause: err });
    throw err;
  } finally {
    closeSync(fd);
  }
}

function yamlErrorToScenarioError(file: string, lineCounter: LineCounter, err: { message: string; pos?: [number, number] }): ScenarioError {
  const firstLine = err.message.split('\n')[0] ?? '';
  const problem = /call stack/i.test(firstLine)
    ? 'YAML syntax error: the YAML is nested too deeply to read'
    : `YAML syntax error: ${oneLine(firstLine.replace(/[.\s]+$/, ''), 200)}`;
  if (err.pos) {
    const { line, col } = lineCounter.linePos(err.pos[0]);
    return new ScenarioError({ file, line, column: col, problem, cause: err });
  }
  return new ScenarioError({ file, problem, cause: err });
}

function toData(file: string, doc: Document.Parsed, lineCounter: LineCounter): unknown {
  try {
    return doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (err) {
    if (err instanceof ReferenceError && /unresolved alias/i.test(err.message)) {
      const alias = firstUnresolvedAlias(doc);
      const pos = alias?.range ? lineCounter.linePos(alias.range[0]) : undefined;
      const problem = `YAML syntax error: the alias *${oneLine(alias?.source ?? '?', 60)} refers to no anchor defined before it (&${oneLine(alias?.source ?? 'name', 60)})`;
      throw new ScenarioError({ file, ...(pos ? { line: pos.line, column: pos.col } : {}), problem, cause: err });
    }
    if (err instanceof ReferenceError && /alias/i.test(err.message)) {
      throw new ScenarioError({
        file,
        problem: 'uses YAML aliases (*name) so often that expanding them would be too large; write the values out instead',
        cause: err,
      });
    }
    if (err instanceof RangeError) {
      throw new ScenarioError({ file, problem: 'YAML syntax error: the YAML is nested too deeply to read', cause: err });
    }
    // Anything else the yaml library throws here is about the input (an alias to a
    // missing anchor and the like): say so in one line rather than crash.
    if (err instanceof Error) {
      throw new ScenarioError({ file, problem: `YAML error: ${oneLine(err.message.split('\n')[0] ?? '', 200)}`, cause: err });
    }
    throw err;
  }
}

/**
 * Runs the (synchronous) yaml parser without capturing stack traces: it makes
 * an error object per problem, hundreds for garbage input, and the stacks are
 * never shown (messages carry file:line instead).
 */
function withoutStacks<T>(parse: () => T): T {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return parse();
  } finally {
    Error.stackTraceLimit = limit;
  }
}

/**
 * Runs on each parsed document before its data is read: placeholder
 * substitution (substitute.ts) changes the document's scalars there.
 */
export type PrepareDocument = (parsed: { file: string; text: string; doc: Document.Parsed; lineCounter: LineCounter }) => void;

/** Parses one YAML document (a second `---` document is an error). */
export function parseYaml(source: YamlText, prepare?: PrepareDocument): ParsedYaml {
  const lineCounter = new LineCounter();
  let doc: Document.Parsed;
  try {
    doc = withoutStacks(() => parseDocument(source.text, { ...PARSE_OPTIONS, lineCounter }));
  } catch (err) {
    if (err instanceof Error) throw yamlErrorToScenarioError(source.file, lineCounter, err);
    throw err;
  }
  const first = doc.errors[0];
  if (first) throw yamlErrorToScenarioError(source.file, lineCounter, first);
  prepare?.({ file: source.file, text: source.text, doc, lineCounter });
  return { file: source.file, doc, lineCounter, data: toData(source.file, doc, lineCounter) };
}

/** Parses every document of a multi-document YAML file; empty documents are left out. */
export function parseYamlStream(source: YamlText, prepare?: PrepareDocument): ParsedYaml[] {
  const lineCounter = new LineCounter();
  let docs: Document.Parsed[];
  try {
    docs = withoutStacks(() => [...parseAllDocuments(source.text, { ...PARSE_OPTIONS, lineCounter })]);
  } catch (err) {
    if (err instanceof Error) throw yamlErrorToScenarioError(source.file, lineCounter, err);
    throw err;
  }
  const out: ParsedYaml[] = [];
  for (const doc of docs) {
    const first = doc.errors[0];
    if (first) throw yamlErrorToScenarioError(source.file, lineCounter, first);
    if (doc.contents === null || (isScalar(doc.contents) && doc.contents.value === null)) continue;
    prepare?.({ file: source.file, text: source.text, doc, lineCounter });
    out.push({ file: source.file, doc, lineCounter, data: toData(source.file, doc, lineCounter) });
  }
  return out;
}

/**
 * The position of the field at `path` in the document: the key's line for a
 * mapping entry, the item's line for a list item. When the path goes further
 * than the document (a missing field), the deepest part that exists.
 */
export function locate(parsed: Pick<ParsedYaml, 'doc' | 'lineCounter'>, path: readonly PropertyKey[]): Position | undefined {
  const { doc, lineCounter } = parsed;
  let node: unknown = doc.contents;
  let offset: number | undefined = rangeStart(node);
  for (const seg of path) {
    // Aliases are followed a bounded number of times (the path is finite).
    if (isAlias(node)) node = node.resolve(doc);
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(seg));
      if (!pair) break;
      offset = rangeStart(pair.key) ?? rangeStart(pair.value) ?? offset;
      node = pair.value;
    } else if (isSeq(node)) {
      const index = typeof seg === 'number' ? seg : Number.parseInt(String(seg), 10);
      const item = Number.isInteger(index) ? node.items[index] : undefined;
      if (item === undefined) break;
      offset = rangeStart(item) ?? offset;
      node = item;
    } else break;
  }
  if (offset === undefined) return undefined;
  const { line, col } = lineCounter.linePos(offset);
  return { line, column: col };
}

function firstUnresolvedAlias(doc: Document.Parsed): Alias | undefined {
  let found: Alias | undefined;
  try {
    visit(doc, {
      Alias(_, node) {
        if (node.resolve(doc) === undefined) {
          found = node;
          return visit.BREAK;
        }
        return undefined;
      },
    });
  } catch {
    // too deep to walk: report without a line
  }
  return found;
}

function rangeStart(node: unknown): number | undefined {
  const range = (node as { range?: [number, number, number] } | null | undefined)?.range;
  return range ? range[0] : undefined;
}
