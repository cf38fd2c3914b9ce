// `netbreak scenario validate`: everything the loader checks (schema, step
// parameters, manifests against the Kubernetes shapes, references from the
// diagnosis key, guards and steps to objects), for every variant the params
// make (or a bounded sample), plus what only an author needs to hear about
// (a parameter no placeholder uses). Pure over the files: no lab, no root.
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { ScenarioError, displayPath, makeIssue, type ScenarioIssue } from './errors.js';
import { findLeaks } from './leak-check.js';
import { unstatedGuards } from './guard-reflection.js';
import { SCENARIO_FILE, checkFolderName, loadScenario, scenarioFolders, type LoadedScenario } from './loader.js';
import { paramNames, paramsText, variantCount, variantsToCheck, type ParamValues } from './params.js';
import { fileProblem, locate, parseYaml, readYamlText } from './yaml-source.js';

/** How many variants of one scenario validate loads at most. */
export const MAX_VARIANTS_CHECKED = 64;
/** Problems listed per scenario at most; the first ones are the ones to fix first. */
const MAX_ISSUES = 20;

export interface ScenarioValidation {
  /** The scenario's folder name (its id when valid). */
  id: string;
  /** The folder, as the user should see it. */
  dir: string;
  ok: boolean;
  variants: { checked: number; total: number };
  issues: ScenarioIssue[];
}

/** Validates one scenario folder, every variant of it (or a sample of `maxVariants`). */
export async function validateScenario(dir: string, maxVariants = MAX_VARIANTS_CHECKED): Promise<ScenarioValidation> {
  const absDir = path.resolve(dir);
  const result: ScenarioValidation = { id: path.basename(absDir), dir: displayPath(absDir), ok: false, variants: { checked: 0, total: 1 }, issues: [] };
  let first: LoadedScenario;
  try {
    first = await loadScenario(absDir);
    await checkFolderName(first);
  } catch (error) {
    if (!(error instanceof ScenarioError)) throw error;
    result.variants.checked = 1;
    result.issues = error.issues.slice(0, MAX_ISSUES);
    return result;
  }
  const spec = first.scenario.params;
  const variants = variantsToCheck(spec, maxVariants);
  result.variants = { checked: variants.length, total: variantCount(spec) };

  // The same problem in several variants is listed once, with the first variant
  // that shows it unless every variant does.
  const found = new Map<string, { issue: ScenarioIssue; variants: ParamValues[] }>();
  const note = (issue: ScenarioIssue, params: ParamValues) => {
    const seen = found.get(issue.message);
    if (seen) seen.variants.push(params);
    else found.set(issue.message, { issue, variants: [params] });
  };
  const leakIssues = await leakReporter(first);
  for (const issue of leakIssues(first)) note(issue, first.params);
  for (const params of variants.slice(1)) {
    try {
      const loaded = await loadScenario(absDir, { params });
      for (const issue of leakIssues(loaded)) note(issue, params);
    } catch (error) {
      if (!(error instanceof ScenarioError)) throw error;
      for (const issue of error.issues) note(issue, params);
    }
  }
  for (const { issue, variants: where } of found.values()) {
    const variant = paramsText(where[0]!);
    const problem =
      variant === ''
        ? issue.problem
        : `${issue.problem.replace(/\.$/, '')} (in the variant ${variant}${where.length > 1 ? ` and ${where.length - 1} more` : ''})`;
    result.issues.push(makeIssue({ ...issue, problem }));
  }
  result.issues.push(...(await unusedParams(first)));
  result.issues = result.issues.slice(0, MAX_ISSUES);
  result.ok = result.issues.length === 0;
  return result;
}

/** The leak check's and the guard check's findings for a variant, each at its line in scenario.yaml. */
async function leakReporter(loaded: LoadedScenario): Promise<(variant: LoadedScenario) => ScenarioIssue[]> {
  const scenarioFile = path.join(loaded.dir, SCENARIO_FILE);
  const file = displayPath(scenarioFile);
  const parsed = parseYaml(await readYamlText(scenarioFile, file));
  return (variant) =>
    [...findLeaks(variant), ...unstatedGuards(variant)].map((leak) => {
      const segments = leak.path
        .split(/[.[\]]+/)
        .filter(Boolean)
        .map((seg) => (/^\d+$/.test(seg) ? Number(seg) : seg));
      const pos = locate(parsed, segments);
      return makeIssue({ file, ...(pos ? { line: pos.line } : {}), path: leak.path, problem: leak.problem });
    });
}

/** A declared parameter that no placeholder uses is a variant in name only: the learners would all get the same answers. */
async function unusedParams(loaded: LoadedScenario): Promise<ScenarioIssue[]> {
  const declared = Object.entries(loaded.scenario.params ?? {});
  if (declared.length === 0) return [];
  const scenarioFile = path.join(loaded.dir, SCENARIO_FILE);
  const texts = await Promise.all(
    [scenarioFile, ...[...loaded.manifests.keys()].map((rel) => path.join(loaded.dir, rel))].map((f) => readFile(f, 'utf8').catch(() => '')),
  );
  // The params: section itself names every parameter, but not as a placeholder.
  const all = texts.join('\n');
  // A group's fields count one by one: a field nothing uses is a value drawn for nobody.
  const unused = declared.flatMap(([name, spec]) =>
    paramNames(name, spec)
      .filter((used) => !new RegExp(`\\{\\{\\s*params\\.${used.replace('.', '\\.')}\\s*\\}\\}`).test(all))
      .map((used) => ({ name, used })),
  );
  if (unused.length === 0) return [];
  const file = displayPath(scenarioFile);
  const parsed = parseYaml(await readYamlText(scenarioFile, file));
  return unused.map(({ name, used }) => {
    const pos = locate(parsed, ['params', name]);
    const what = used === name ? '' : ' (a field of its choices)';
    return makeIssue({
      file,
      ...(pos ? { line: pos.line } : {}),
      path: `params.${name}`,
      problem: `is declared but nothing uses {{ params.${used} }}${what}; use it in scenario.yaml or a manifest, or remove it`,
    });
  });
}

export interface LibraryValidation {
  ok: boolean;
  scenarios: ScenarioValidation[];
}

/**
 * Validates `target`: a scenario folder (or its scenario.yaml), or a library
 * folder whose subfolders are scenarios. A path that does not exist, or holds
 * no scenario, is a ScenarioError.
 */
export async function validateTarget(target: string, maxVariants = MAX_VARIANTS_CHECKED): Promise<LibraryValidation> {
  const abs = path.resolve(target);
  const shown = displayPath(abs);
  let isDir: boolean;
  try {
    isDir = (await stat(abs)).isDirectory();
  } catch (error) {
    const problem = fileProblem(error);
    if (!problem) throw error;
    throw new ScenarioError({ file: shown, problem: `${problem}; pass a scenario folder, its scenario.yaml, or a folder of scenarios`, cause: error });
  }
  let dirs: string[];
  if (!isDir) {
    if (path.basename(abs) !== SCENARIO_FILE)
      throw new ScenarioError({ file: shown, problem: `is not a ${SCENARIO_FILE}; pass a scenario folder, its scenario.yaml, or a folder of scenarios` });
    dirs = [path.dirname(abs)];
  } else if (await isFile(path.join(abs, SCENARIO_FILE))) dirs = [abs];
  else {
    dirs = (await scenarioFolders(abs)).map((name) => path.join(abs, name));
    if (dirs.length === 0)
      throw new ScenarioError({
        file: shown,
        problem: `holds no scenario (no ${SCENARIO_FILE} in it or in its subfolders); pass a scenario folder or a folder of scenarios`,
      });
  }
  const scenarios: ScenarioValidation[] = [];
  for (const dir of dirs) scenarios.push(await validateScenario(dir, maxVariants));
  return { ok: scenarios.every((s) => s.ok), scenarios };
}

async function isFile(p: string): Promise<boolean> {
  try {
    return (await stat(p)).isFile();
  } catch {
    return false;
  }
}
