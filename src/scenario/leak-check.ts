// The leak check of `scenario validate`: what the learner reads before they
// look (id, title, story, task, symptom, every hint but the last) must not give the
// diagnosis away, and the right cause must not stand out of the list. A reader
// who never touched the lab should do no better than chance.
import { faultKind } from '../faults/registry.js';
import type { TelltaleContext } from '../faults/telltales.js';
import { KUBEADM_DEFAULT_COREFILE } from '../k8s/dns/kubeadm-corefile.js';
import { refOf, refString, type KubeObject, type ObjectRef } from '../k8s/objects.js';
import type { LoadedScenario } from './loader.js';
import { BUILTIN_OBJECTS } from './loader.js';
import type { Scenario } from './schema.js';

export interface Leak {
  /** The field the phrase stands in: `story`, `hints[0]` … */
  path: string;
  /** What is wrong, quoting the phrase. */
  problem: string;
}

/** Words of a cause that say nothing about which cause it is. */
const STOPWORDS = new Set(
  'about after again also because been before being both cannot does doing down each every from have having here into just more most never only other over same should some such than that their them then there these they this those through under until very were what when where which while whom will with would your'.split(
    ' ',
  ),
);

/** What only the builtin objects of a fresh lab hold, for a fault that changes one of them. */
const BUILTIN_CONTENT: Record<string, Partial<KubeObject>> = {
  'ConfigMap/kube-system/coredns': { data: { Corefile: KUBEADM_DEFAULT_COREFILE } },
};

/** Names every lab has (coredns, kube-dns, worker2 …): the learner meets them whatever the fault. */
const BUILTIN_NAMES = new Set(BUILTIN_OBJECTS.map((o) => o.name));

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/**
 * `phrase` as a whole token of `text`: "80" is in ":80/" but not in "8080".
 * Case does not matter, except for an all-capitals name (DROP, FORWARD): a
 * chain or target, which prose only ever writes in lower case as a word.
 */
export function containsToken(text: string, phrase: string): boolean {
  const flags = /[A-Z]/.test(phrase) && !/[a-z]/.test(phrase) ? '' : 'i';
  return new RegExp(`(?<![A-Za-z0-9_])${escapeRegExp(phrase)}(?![A-Za-z0-9_])`, flags).test(text);
}

/** listens, listening, listened → listen; ports → port. Enough to catch a word in another form. */
export function stem(word: string): string {
  const w = word.toLowerCase().replace(/'s$/, '');
  if (/\d/.test(w)) return w;
  for (const suffix of ['ing', 'ed', 'es', 's']) {
    if (w.endsWith(suffix) && w.length - suffix.length >= 4) return w.slice(0, -suffix.length);
  }
  return w;
}

/** The words of a text as the cause comparison sees them: 4+ characters (or a number), stemmed. */
function words(text: string): { word: string; stem: string }[] {
  return (text.match(/[A-Za-z0-9][A-Za-z0-9_]*/g) ?? [])
    .filter((w) => (w.length >= 4 || /^\d{2,}$/.test(w)) && !STOPWORDS.has(w.toLowerCase()))
    .map((w) => ({ word: w, stem: stem(w) }));
}

/** Everything the learner reads before they look: the fields and their text. */
function preInvestigationTexts(s: Scenario): { path: string; text: string }[] {
  const hints = s.hints.slice(0, -1).map((h, i) => ({ path: `hints[${i}]`, text: typeof h === 'string' ? h : h.text }));
  return [
    // The id is what list shows and start takes: "coredns-scaled-to-zero" would answer the question.
    { path: 'id', text: s.id.replace(/-/g, ' ') },
    { path: 'title', text: s.title },
    { path: 'story', text: s.story },
    { path: 'task', text: s.task },
    { path: 'symptom', text: `${s.symptom.from} ${s.symptom.to}` },
    ...hints,
  ];
}

function scalars(value: unknown, into: Set<string>): Set<string> {
  if (Array.isArray(value)) for (const v of value) scalars(v, into);
  else if (typeof value === 'object' && value !== null) {
    for (const v of Object.values(value)) scalars(v, into);
  } else if (value !== null && value !== undefined) into.add(String(value));
  return into;
}

function telltaleContext(loaded: LoadedScenario): TelltaleContext {
  const setup = loaded.scenario.setup.flatMap((rel) => loaded.manifests.get(rel) ?? []);
  return {
    manifests: loaded.manifests,
    before: (ref: ObjectRef) => setup.find((o) => refString(refOf(o)) === refString(ref)) ?? (BUILTIN_CONTENT[refString(ref)] as KubeObject | undefined),
    setupValues: scalars(setup, new Set()),
  };
}

/** The words the fault steps write, less what the learner is shown anyway: the symptom, and the names every lab has. */
function faultTelltales(loaded: LoadedScenario): string[] {
  const ctx = telltaleContext(loaded);
  const { symptom } = loaded.scenario;
  const all = loaded.scenario.fault.flatMap((step) => {
    const [name, params] = Object.entries(step)[0]!;
    return faultKind(name)?.telltales(params, ctx) ?? [];
  });
  return [...new Set(all)].filter((w) => !BUILTIN_NAMES.has(w) && !containsToken(`${symptom.from} ${symptom.to}`, w));
}

/** The evidence as a reader could meet it in prose: each accepted spelling, and a label's value alone. */
function evidencePhrases(s: Scenario): string[] {
  const { evidence } = s.diagnosis;
  const phrases = [evidence.answer, ...evidence.accept];
  if (evidence.format === 'label') phrases.push(...phrases.map((p) => p.split(/[=:]/).slice(1).join(':').trim()).filter((v) => v.length >= 3));
  return [...new Set(phrases.map((p) => p.trim()).filter((p) => p !== ''))];
}

/**
 * The stems of the right cause that no wrong cause uses, less what the symptom
 * shows: a reader matching words between the story and the list finds the
 * answer by them.
 */
function distinctiveCauseWords(s: Scenario): Map<string, string> {
  const { causes, cause } = s.diagnosis;
  const shared = new Set(Object.entries(causes).flatMap(([id, text]) => (id === cause ? [] : words(text).map((w) => w.stem))));
  const shown = new Set(words(`${s.symptom.from} ${s.symptom.to}`).map((w) => w.stem));
  const distinctive = new Map<string, string>();
  for (const w of words(causes[cause] ?? '')) if (!shared.has(w.stem) && !shown.has(w.stem)) distinctive.set(w.stem, w.word);
  return distinctive;
}

function quoteShort(text: string): string {
  return `"${text.length > 60 ? `${text.slice(0, 57)}…` : text}"`;
}

/** A concrete value in a cause: a number, a label pair, or a value this variant drew. */
function namesConcreteValue(text: string, drawn: string[]): boolean {
  return /\d|=/.test(text) || drawn.some((v) => containsToken(text, v));
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** The values this variant drew (namespaces, ports, labels, nodes …). */
function drawnValues(params: LoadedScenario['params']): string[] {
  return [...scalars(params, new Set())].filter((v) => v.length >= 3);
}

/** The right cause must read like the others: no longer, and not the only one that names a value. */
function standOut(loaded: LoadedScenario): Leak[] {
  const { causes, cause } = loaded.scenario.diagnosis;
  const right = causes[cause] ?? '';
  const wrong = Object.entries(causes)
    .filter(([id]) => id !== cause)
    .map(([, text]) => text);
  const leaks: Leak[] = [];
  const limit = 1.5 * median(wrong.map((t) => t.length));
  if (right.length > limit) {
    leaks.push({
      path: `diagnosis.causes.${cause}`,
      problem: `stands out: the right cause is ${right.length} characters, more than 1.5 times the median wrong one (${Math.round(limit / 1.5)}); make the wrong ones as specific or the right one shorter`,
    });
  }
  const drawn = drawnValues(loaded.params);
  const concrete = wrong.filter((t) => namesConcreteValue(t, drawn)).length;
  if (namesConcreteValue(right, drawn) && concrete < 2) {
    leaks.push({
      path: `diagnosis.causes.${cause}`,
      problem: `stands out: the right cause names a concrete value and only ${concrete} wrong one${concrete === 1 ? ' does' : 's do'}; give at least two wrong causes values of this variant too`,
    });
  }
  return leaks;
}

/** Every way the variant's text gives its diagnosis away; [] for a fair one. */
export function findLeaks(loaded: LoadedScenario): Leak[] {
  const s = loaded.scenario;
  const texts = preInvestigationTexts(s);
  const leaks: Leak[] = [];
  const evidence = evidencePhrases(s);
  const telltales = faultTelltales(loaded);
  const distinctive = distinctiveCauseWords(s);
  for (const { path, text } of texts) {
    // One finding per phrase and field: the first reason is enough to rephrase it.
    const reported = new Set<string>();
    const report = (phrase: string, problem: string) => {
      if (reported.has(phrase.toLowerCase())) return;
      reported.add(phrase.toLowerCase());
      leaks.push({ path, problem });
    };
    for (const phrase of evidence) {
      if (containsToken(text, phrase))
        report(phrase, `gives the evidence away: it says ${quoteShort(phrase)}, the answer to "${s.diagnosis.evidence.question}"`);
    }
    for (const word of telltales) {
      if (containsToken(text, word)) report(word, `names what the fault changes: ${quoteShort(word)} is written by a fault step; tell what people saw instead`);
    }
    // The symptom is what it is; the cause words that matter are in the prose.
    if (path === 'symptom') continue;
    for (const w of words(text)) {
      const match = distinctive.get(w.stem);
      if (match)
        report(
          w.word,
          `points at the right cause: ${quoteShort(w.word)} matches "${match}" in the right cause and no wrong cause uses it; rephrase, or let wrong causes share the word`,
        );
    }
  }
  return [...leaks, ...standOut(loaded)];
}
