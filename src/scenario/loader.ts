// Loading a scenario folder: scenario.yaml checked against the schema and every
// step against its fault kind, the manifests it names loaded and checked, and
// the references between them resolved. Every problem is a ScenarioError whose
// message names the file and line; `issues` keeps all of them for `validate`.
import { realpathSync, type Dirent } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { isMap, isNode } from 'yaml';
import type { z } from 'zod';
import { faultKind, faultKinds } from '../faults/registry.js';
import { parseObjectRef } from '../k8s/object-ref.js';
import type { KubeObject, ObjectRef } from '../k8s/objects.js';
import { ScenarioError, displayPath, formatPath, makeIssue, quote, type ScenarioIssue } from './errors.js';
import { describeValue, explainZodIssues, isPlainObject, type ExplainedIssue } from './issue-text.js';
import { isNamespaced, loadManifestFile, manifestSource, objectKey, sourceText } from './manifests.js';
import { drawParams, firstParams, hasChoiceOf, paramsText, ParamsSection, type ParamValues } from './params.js';
import { Scenario } from './schema.js';
import { ObjectRefString } from '../k8s/object-ref.js';
import { substituteDocument } from './substitute.js';
import { closeMatches, orList } from './suggest.js';
import { MAX_ALIAS_COUNT, fileProblem, locate, parseYaml, readYamlText, type ParsedYaml, type PrepareDocument } from './yaml-source.js';

export interface LoadedScenario {
  /** Absolute path of the scenario folder. */
  dir: string;
  /** The validated scenario; each step's parameters are the ones its fault kind parsed. */
  scenario: Scenario;
  /** Objects of every manifest named by setup, fault and fix, by the relative path written in scenario.yaml. */
  manifests: Map<string, KubeObject[]>;
  /** The seed this variant was drawn from; undefined when loaded without one (the first choices). */
  seed: number | undefined;
  /** The value of each declared parameter in this variant ({} for a scenario without params). */
  params: ParamValues;
}

export interface LoadOptions {
  /** Draw the variant from this seed (see params.ts); without it, the first choice of each parameter. */
  seed?: number;
  /** The variant given outright, as `scenario validate` walks them; wins over `seed`. */
  params?: ParamValues;
}

/** Objects every lab has before a scenario adds anything; scenarios may refer to them. */
export const BUILTIN_OBJECTS: readonly ObjectRef[] = [
  { kind: 'Namespace', name: 'default' },
  { kind: 'Namespace', name: 'kube-system' },
  { kind: 'Deployment', namespace: 'kube-system', name: 'coredns' },
  { kind: 'ConfigMap', namespace: 'kube-system', name: 'coredns' },
  { kind: 'Service', namespace: 'kube-system', name: 'kube-dns' },
  { kind: 'DaemonSet', namespace: 'kube-system', name: 'kube-proxy' },
  // The nodes of the default topology (clusters/netns-default.yaml), named as kind names them.
  { kind: 'Node', name: 'control-plane' },
  { kind: 'Node', name: 'worker' },
  { kind: 'Node', name: 'worker2' },
];

export const SCENARIO_FILE = 'scenario.yaml';
const ID_PATTERN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

type StepList = 'fault' | 'fix';
type Seg = string | number;

/**
 * Loads and checks `<dir>/scenario.yaml` and the manifests it names, as the
 * variant `options` picks: every `{{ params.name }}` in them is filled in
 * before anything is checked, so every check sees the variant's values.
 */
export async function loadScenario(dir: string, options: LoadOptions = {}): Promise<LoadedScenario> {
  const absDir = path.resolve(dir);
  const file = displayPath(path.join(absDir, SCENARIO_FILE));
  let values: ParamValues = {};
  const prepare: PrepareDocument = (doc) => {
    values = chooseVariant(doc, options);
    const root = doc.doc.contents;
    const paramsNode = isMap(root) ? root.get('params', true) : undefined;
    const idNode = isMap(root) ? root.get('id', true) : undefined;
    const issues = substituteDocument({
      ...doc,
      values,
      skip: paramsNode ? [paramsNode] : [],
      literal: new Map(idNode ? [[idNode, 'is the folder name, so it is written out; it cannot use a placeholder']] : []),
    });
    if (issues.length > 0) throw ScenarioError.fromIssues(issues);
  };
  const parsed = parseYaml(await readYamlText(path.join(absDir, SCENARIO_FILE), file), prepare);
  const issueAt: IssueAt = (p, problem, shownPath = p) => {
    const pos = locate(parsed, p);
    return makeIssue({ file, ...(pos ? { line: pos.line } : {}), path: formatPath(shownPath), problem });
  };
  // A missing field points at its parent's line; a missing top-level field at no line at all.
  const explainedAt = (e: ExplainedIssue, prefix: readonly Seg[] = []): ScenarioIssue => {
    const p = [...prefix, ...(e.path as Seg[])];
    if (e.missing && p.length === 1) return makeIssue({ file, path: formatPath(p), problem: e.problem });
    return issueAt(p, e.problem);
  };

  if (!isPlainObject(parsed.data)) {
    const pos = locate(parsed, []);
    throw new ScenarioError({
      file,
      ...(pos ? { line: pos.line } : {}),
      problem: `must be a scenario (a mapping with id, title, story, symptom, fault, diagnosis …), not ${describeValue(parsed.data)}`,
    });
  }
  const data = parsed.data;

  // Schema and step parameters: collect every problem, then report them in file order.
  const issues: ScenarioIssue[] = [];
  const result = Scenario.safeParse(data);
  if (!result.success) {
    for (const e of explainZodIssues(result.error.issues, data, Scenario)) issues.push(explainedAt(e));
  }
  const parsedSteps = new Map<string, unknown>();
  for (const list of ['fault', 'fix'] as const) {
    const steps = data[list];
    if (!Array.isArray(steps)) continue;
    steps.forEach((step, i) => {
      if (!isPlainObject(step) || Object.keys(step).length !== 1) return; // the schema has said so already
      const name = Object.keys(step)[0]!;
      const kind = faultKind(name);
      if (!kind) {
        const near = closeMatches(
          name,
          faultKinds.map((k) => k.name),
          1,
        );
        const known = faultKinds.map((k) => k.name).join(', ');
        issues.push(
          issueAt([list, i, name], `unknown step ${quote(name, 40)}${near.length > 0 ? ` (did you mean ${near[0]}?)` : ''}; known steps: ${known}`, [list, i]),
        );
        return;
      }
      const params = kind.params.safeParse(step[name]);
      if (params.success) parsedSteps.set(`${list}/${i}`, params.data);
      else {
        const explained = explainZodIssues(params.error.issues, step[name], kind.params as z.ZodType);
        for (const e of explained) issues.push(explainedAt(e, [list, i, name]));
      }
    });
  }
  if (!result.success && issues.length === 0) issues.push(issueAt([], 'does not match the scenario schema'));
  if (issues.length > 0 || !result.success) throw ScenarioError.fromIssues(sortByLine(issues));
  const scenario = result.data;
  for (const list of ['fault', 'fix'] as const) {
    scenario[list] = scenario[list].map((step, i) => {
      const name = Object.keys(step)[0]!;
      return { [name]: parsedSteps.get(`${list}/${i}`) };
    });
  }

  const manifests = await loadManifests(absDir, scenario, issueAt, values);
  checkReferences(scenario, manifests, issueAt);
  return { dir: absDir, scenario, manifests, seed: options.params ? undefined : options.seed, params: values };
}

/**
 * The variant's values, from the params: section as written (before any
 * substitution): given outright, drawn from the seed, or the first choices.
 */
function chooseVariant(parsed: Pick<ParsedYaml, 'file' | 'doc' | 'lineCounter'>, options: LoadOptions): ParamValues {
  const root = parsed.doc.contents;
  const node = isMap(root) ? root.get('params', true) : undefined;
  let raw: unknown;
  try {
    raw = isNode(node) ? node.toJS(parsed.doc, { maxAliasCount: MAX_ALIAS_COUNT }) : undefined;
  } catch {
    raw = undefined; // reading the whole file reports it with its line
  }
  if (raw === undefined || raw === null) return options.params ?? {};
  const result = ParamsSection.safeParse(raw);
  if (!result.success) {
    const issues = explainZodIssues(result.error.issues, raw, ParamsSection).map((e) => {
      const p = ['params', ...(e.path as Seg[])];
      const pos = locate(parsed, p);
      return makeIssue({ file: parsed.file, ...(pos ? { line: pos.line } : {}), path: formatPath(p), problem: e.problem });
    });
    throw ScenarioError.fromIssues(sortByLine(issues));
  }
  const spec = result.data;
  if (options.params) {
    for (const [name, p] of Object.entries(spec)) {
      if (!hasChoiceOf(name, p, options.params))
        throw new Error(`params ${paramsText(options.params)} is not a variant of ${parsed.file}: ${name} is missing or not one of its choices`);
    }
    return options.params;
  }
  return options.seed === undefined ? firstParams(spec) : drawParams(spec, options.seed);
}

interface ManifestUse {
  rel: string;
  /** Where scenario.yaml names it. */
  at: Seg[];
  group: 'setup' | StepList;
}

type IssueAt = (p: readonly Seg[], problem: string, shownPath?: readonly Seg[]) => ScenarioIssue;

async function loadManifests(absDir: string, scenario: Scenario, issueAt: IssueAt, params: ParamValues): Promise<Map<string, KubeObject[]>> {
  const uses: ManifestUse[] = scenario.setup.map((rel, i) => ({ rel, at: ['setup', i], group: 'setup' }));
  for (const list of ['fault', 'fix'] as const) {
    scenario[list].forEach((step, i) => {
      const [name, params] = Object.entries(step)[0]!;
      const paths = faultKind(name)?.manifestPaths?.(params) ?? [];
      for (const rel of paths) uses.push({ rel, at: [list, i, name], group: list });
    });
  }

  const issues: ScenarioIssue[] = [];
  const manifests = new Map<string, KubeObject[]>();
  const failed = new Set<string>();
  const realDir = realpathSync(absDir);
  const firstSetupUse = new Map<string, Seg[]>();
  for (const use of uses) {
    if (use.group === 'setup') {
      const earlier = firstSetupUse.get(use.rel);
      if (earlier) {
        issues.push(issueAt(use.at, `lists ${quote(use.rel, 80)} a second time (it is already ${formatPath(earlier)}); remove one`));
        continue;
      }
      firstSetupUse.set(use.rel, use.at);
    }
    if (manifests.has(use.rel) || failed.has(use.rel)) continue;
    const abs = path.resolve(absDir, use.rel);
    const fail = (problem: string): void => {
      failed.add(use.rel);
      issues.push(issueAt(use.at, problem));
    };
    if (isOutside(absDir, abs)) {
      fail(`${quote(use.rel, 80)} points outside the scenario folder; manifests must live inside it`);
      continue;
    }
    let real: string;
    try {
      real = realpathSync(abs);
    } catch (err) {
      const problem = fileProblem(err);
      if (!problem) throw err;
      fail(`${quote(use.rel, 80)} ${problem}; create it or fix the path`);
      continue;
    }
    if (isOutside(realDir, real)) {
      fail(`${quote(use.rel, 80)} is a symbolic link to a file outside the scenario folder; manifests must live inside it`);
      continue;
    }
    try {
      manifests.set(use.rel, await loadManifestFile(real, displayPath(abs), params));
    } catch (err) {
      if (!(err instanceof ScenarioError)) throw err;
      failed.add(use.rel);
      issues.push(...err.issues);
    }
  }

  // Setup files are applied together, so one object defined in two of them is a
  // mistake. Fault and fix steps apply files that redefine setup objects on purpose.
  const defined = new Map<string, KubeObject>();
  for (const rel of new Set(scenario.setup)) {
    for (const object of manifests.get(rel) ?? []) {
      const key = objectKey(object);
      const first = defined.get(key);
      if (first) {
        const where = manifestSource(object);
        issues.push(
          makeIssue({
            file: where?.file ?? rel,
            ...(where?.line !== undefined ? { line: where.line } : {}),
            problem: `${key} is already defined at ${sourceText(manifestSource(first))}; keep only one of them`,
          }),
        );
      } else defined.set(key, object);
    }
  }

  if (issues.length > 0) throw ScenarioError.fromIssues(issues);
  return manifests;
}

function isOutside(dir: string, target: string): boolean {
  const rel = path.relative(dir, target);
  return rel === '' || rel === '..' || rel.startsWith(`..${path.sep}`) || path.isAbsolute(rel);
}

function refKey(ref: ObjectRef): string {
  return ref.namespace ? `${ref.kind}/${ref.namespace}/${ref.name}` : `${ref.kind}/${ref.name}`;
}

/** The object a patch, scale, restart or delete step acts on (`Kind/ns/name`), if it names one. */
function stepObject(params: unknown): string | undefined {
  const text = isPlainObject(params) ? params.object : params;
  return typeof text === 'string' && ObjectRefString.safeParse(text).success ? text : undefined;
}

function checkReferences(scenario: Scenario, manifests: Map<string, KubeObject[]>, issueAt: IssueAt): void {
  // Objects that exist as the steps run, in order: built-ins and setup, then
  // what each fault step applies; the fix steps run after the fault.
  const known = new Set(BUILTIN_OBJECTS.map(refKey));
  for (const rel of scenario.setup) for (const object of manifests.get(rel) ?? []) known.add(objectKey(object));
  const issues: ScenarioIssue[] = [];
  const walkSteps = (list: StepList): void => {
    scenario[list].forEach((step, i) => {
      const [name, params] = Object.entries(step)[0]!;
      const target = stepObject(params);
      if (target !== undefined) {
        const at: Seg[] = isPlainObject(params) ? [list, i, name, 'object'] : [list, i, name];
        checkObject(at, target, list === 'fault' ? "that exists when this step runs (setup, earlier fault steps and the lab's built-ins)" : undefined);
      }
      if (name === 'nodeExec' && isPlainObject(params) && typeof params.node === 'string' && !known.has(`Node/${params.node}`)) {
        const nodes = BUILTIN_OBJECTS.filter((o) => o.kind === 'Node').map((o) => o.name);
        const near = closeMatches(params.node, nodes, 1);
        issues.push(
          issueAt(
            [list, i, name, 'node'],
            `there is no node ${quote(params.node, 63)} in the lab${near.length > 0 ? `; did you mean ${near[0]}?` : `; the nodes are ${orList(nodes)}`}`,
          ),
        );
      }
      for (const rel of faultKind(name)?.manifestPaths?.(params) ?? []) for (const object of manifests.get(rel) ?? []) known.add(objectKey(object));
    });
  };
  const namespaces = (): string[] => [...known].filter((k) => k.startsWith('Namespace/')).map((k) => k.slice('Namespace/'.length));

  const checkObject = (at: Seg[], text: string, when?: string): void => {
    const ref = parseObjectRef(text);
    if (known.has(refKey(ref))) return;
    let problem = `${text} names no object ${when ?? 'that the setup or fault manifests define or that the lab has built in'}`;
    const near = closeMatches(text, known, 1);
    if (!ref.namespace && isNamespaced(ref.kind)) problem += `; a ${ref.kind} lives in a namespace, so write ${ref.kind}/<namespace>/${ref.name}`;
    else if (ref.namespace && !isNamespaced(ref.kind)) problem += `; a ${ref.kind} has no namespace, so write ${ref.kind}/${ref.name}`;
    else if (near.length > 0) problem += `; did you mean ${near[0]}?`;
    else problem += '; check the spelling or define it in a manifest';
    issues.push(issueAt(at, problem));
  };
  const checkNamespace = (at: Seg[], podRef: string): void => {
    const ns = podRef.split('/')[0]!;
    const defined = namespaces();
    if (defined.includes(ns)) return;
    const near = closeMatches(ns, defined, 1);
    issues.push(
      issueAt(
        at,
        `namespace ${quote(ns, 63)} is not defined by any setup or fault manifest${near.length > 0 ? ` (did you mean ${near[0]}?)` : `; add a Namespace object to a setup manifest (defined: ${orList(defined)})`}`,
      ),
    );
  };

  walkSteps('fault');
  checkNamespace(['symptom', 'from'], scenario.symptom.from);
  checkObject(['diagnosis', 'object'], scenario.diagnosis.object);
  scenario.verify.forEach((v, i) => checkNamespace(['verify', i, 'probe', 'from'], v.probe.from));
  scenario.guards.forEach((g, i) => {
    if ('exists' in g) checkObject(['guards', i, 'exists'], g.exists);
    if ('probe' in g) checkNamespace(['guards', i, 'probe', 'from'], g.probe.from);
    if ('taint' in g) checkObject(['guards', i, 'taint', 'node'], `Node/${g.taint.node}`);
  });
  walkSteps('fix');
  if (issues.length > 0) throw ScenarioError.fromIssues(sortByLine(issues));
}

function sortByLine(issues: ScenarioIssue[]): ScenarioIssue[] {
  return issues
    .map((issue, i) => ({ issue, i }))
    .sort((a, b) => (a.issue.line ?? Infinity) - (b.issue.line ?? Infinity) || a.i - b.i)
    .map((x) => x.issue);
}

export interface ScenarioListing {
  /** Scenarios that loaded, ordered by folder name. */
  scenarios: LoadedScenario[];
  /** One error per folder that did not load, ordered by folder name. */
  errors: ScenarioError[];
}

/** Loads every subfolder of `root` that holds a scenario.yaml; a broken one does not hide the others. */
export async function listScenarios(root: string, options: LoadOptions = {}): Promise<ScenarioListing> {
  const absRoot = path.resolve(root);
  const listing: ScenarioListing = { scenarios: [], errors: [] };
  for (const name of await scenarioFolders(absRoot)) {
    try {
      listing.scenarios.push(await loadFolder(absRoot, name, options));
    } catch (err) {
      if (!(err instanceof ScenarioError)) throw err;
      listing.errors.push(err);
    }
  }
  return listing;
}

/**
 * The scenario whose id (and folder name) is `id`, as the variant `options`
 * picks; a one-sentence error with close matches otherwise.
 */
export async function findScenario(root: string, id: string, options: LoadOptions = {}): Promise<LoadedScenario> {
  const absRoot = path.resolve(root);
  const folders = await scenarioFolders(absRoot);
  if (ID_PATTERN.test(id) && folders.includes(id)) return loadFolder(absRoot, id, options);
  const near = closeMatches(id, folders, 3);
  const prefixed = folders.filter((f) => id.length >= 3 && f.startsWith(id) && !near.includes(f));
  const suggestions = [...near, ...prefixed].slice(0, 3);
  const problem =
    suggestions.length > 0
      ? `unknown scenario ${quote(id, 60)}; did you mean ${orList(suggestions)}?`
      : `unknown scenario ${quote(id, 60)}; run netbreak list to see the scenarios there are`;
  const message = `${problem.charAt(0).toUpperCase()}${problem.slice(1)}`;
  throw new ScenarioError({ file: displayPath(absRoot), problem, message: /[.?!]$/.test(message) ? message : `${message}.` });
}

async function loadFolder(absRoot: string, name: string, options: LoadOptions): Promise<LoadedScenario> {
  const loaded = await loadScenario(path.join(absRoot, name), options);
  await checkFolderName(loaded);
  return loaded;
}

/** A library finds a scenario by its folder name, so the id must be that name. */
export async function checkFolderName(loaded: LoadedScenario): Promise<void> {
  const name = path.basename(loaded.dir);
  if (loaded.scenario.id === name) return;
  const file = displayPath(path.join(loaded.dir, SCENARIO_FILE));
  const parsed: ParsedYaml = parseYaml(await readYamlText(path.join(loaded.dir, SCENARIO_FILE), file));
  const pos = locate(parsed, ['id']);
  throw new ScenarioError({
    file,
    ...(pos ? { line: pos.line } : {}),
    path: 'id',
    problem: `is ${quote(loaded.scenario.id, 63)} but the folder is named ${quote(name, 63)}; rename one so they match`,
  });
}

/** Names of the subfolders of `absRoot` that hold a scenario.yaml, sorted. */
export async function scenarioFolders(absRoot: string): Promise<string[]> {
  let entries: Dirent[];
  try {
    entries = await readdir(absRoot, { withFileTypes: true });
  } catch (err) {
    const problem = fileProblem(err);
    if (!problem) throw err;
    throw new ScenarioError({ file: displayPath(absRoot), problem: `${problem}; pass the folder that holds the scenarios`, cause: err });
  }
  const names: string[] = [];
  for (const entry of entries) {
    if (!entry.isDirectory() && !entry.isSymbolicLink()) continue;
    try {
      if ((await stat(path.join(absRoot, entry.name, SCENARIO_FILE))).isFile()) names.push(entry.name);
    } catch {
      // not a scenario folder
    }
  }
  return names.sort();
}
