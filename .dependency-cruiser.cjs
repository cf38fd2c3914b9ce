// The import rules of netbreak's layers, checked by `npm run lint:imports` in CI
// (docs/architecture.md explains the layers). From top to bottom:
//
//   cli (src/cli, src/index.ts); bench and soak (src/bench, src/soak: programs of their own, like the CLI)
//   engine (src/engine)
//   scenario, faults, grading, trace, report, history, workshop
//   lab (src/lab; each backend's folder src/lab/<backend>/ is private to it; src/lab/kube-api/ is shared
//        by the backends that talk to the Kubernetes API, so it is no backend)
//   k8s, exec, errors (src/k8s, src/exec.ts, src/errors.ts, src/process-alive.ts)
//
// A module imports only from its own layer or below. Type-only imports count:
// a type is as much a dependency of the reader as a value is.

const CLI = '^src/(cli/|index\\.ts$)';
const TOOLS = '^src/(bench|soak)/';
const ENGINE = '^src/engine/';
const MIDDLE = '^src/(scenario|faults|grading|trace|report|history|workshop)/';
const LAB = '^src/lab/';
/** A backend's private folder: any folder under src/lab except the shared kube-api/ (capture group 1: the backend). */
const BACKEND = '^src/lab/(?!kube-api/)([^/]+)/';
/** Lab code every backend may use: src/lab/*.ts and src/lab/kube-api/. */
const SHARED_LAB = '^src/lab/([^/]+\\.ts$|kube-api/)';
const BOTTOM = '^src/(k8s/|exec\\.ts$|errors\\.ts$|process-alive\\.ts$)';

/** A rule that `from` must not import any of `to`. */
const forbid = (name, comment, from, to) => ({ name, comment, severity: 'error', from, to });

/** Within the middle layer: `module` must not import the `others` (folders under src/). */
const middle = (module, others, why) =>
  forbid(`middle-order-${module}`, `${module} ${why}`, { path: `^src/${module}/` }, { path: `^src/(${others.join('|')})/` });

module.exports = {
  forbidden: [
    // Layers: nothing imports upwards.
    forbid(
      'engine-not-to-cli',
      'the engine owns use-cases; the CLI only parses flags and prints, so nothing below it imports it',
      { path: ENGINE },
      { path: [CLI, TOOLS] },
    ),
    forbid(
      'middle-not-upwards',
      'scenario, faults, grading, trace, report, history and workshop sit below the engine and the CLI',
      { path: MIDDLE },
      { path: [CLI, TOOLS, ENGINE] },
    ),
    forbid(
      'lab-not-upwards',
      'the lab (every backend) knows nothing of scenarios, grading or the engine: it only runs a cluster',
      { path: LAB },
      { path: [CLI, TOOLS, ENGINE, MIDDLE] },
    ),
    forbid(
      'bottom-not-upwards',
      'k8s, exec and errors are neutral ground every layer may import: they import nothing above them',
      { path: BOTTOM },
      { path: '^src/', pathNot: BOTTOM },
    ),
    forbid(
      'k8s-is-pure',
      'src/k8s holds pure Kubernetes logic (no processes run), so that trace, grading and every backend can use it',
      { path: '^src/k8s/' },
      { path: '^src/exec\\.ts$' },
    ),

    // Inside the middle layer.
    middle(
      'faults',
      ['scenario', 'grading', 'trace', 'report', 'history', 'workshop'],
      'are self-contained fault kinds; scenarios refer to them, not the other way round',
    ),
    middle(
      'scenario',
      ['grading', 'trace', 'report', 'history', 'workshop'],
      'is the scenario model: what is broken and what counts as fixed, not how it is graded or shown',
    ),
    middle('grading', ['trace', 'report', 'history', 'workshop'], 'scores a session; reports, history and workshops present that score'),
    middle('trace', ['grading', 'report', 'history', 'workshop'], 'explains a packet path from the lab alone'),
    middle('history', ['trace', 'report', 'workshop'], 'records finished sessions; it does not present them'),
    middle('report', ['workshop'], 'renders one session; the workshop uses it, not the other way round'),
    forbid(
      'nothing-to-bench-or-soak',
      'bench and soak are programs of their own (npm run bench / soak): no module depends on them',
      { path: '^src/', pathNot: '^src/(bench|soak)/' },
      { path: '^src/(bench|soak)/' },
    ),

    // Backends: a backend's folder is private. Others reach it through the registry (src/lab/backends.ts) and the Lab contract.
    forbid(
      'backend-private-outside-lab',
      'a backend is reached through the Lab contract and the registry src/lab/backends.ts, never by importing its files',
      { path: '^src/', pathNot: LAB },
      { path: BACKEND },
    ),
    forbid(
      'backend-private-in-lab',
      'only the registry src/lab/backends.ts imports backends: the shared lab modules stay backend-neutral',
      { path: SHARED_LAB, pathNot: '^src/lab/backends\\.ts$' },
      { path: BACKEND },
    ),
    forbid(
      'backend-private-between-backends',
      'one backend never imports another: what two backends share belongs in src/lab/*.ts, src/lab/kube-api/ or src/k8s/',
      { path: BACKEND },
      { path: BACKEND, pathNot: '^src/lab/$1/' },
    ),

    // Hygiene.
    forbid('no-circular', 'a file-level import cycle means two modules are one concept or one imports the wrong way', {}, { circular: true }),
    forbid(
      'not-to-dev-dep',
      'a devDependency is not installed for users (npm install -g netbreak): move the package to dependencies',
      { path: '^src/' },
      { dependencyTypes: ['npm-dev'], dependencyTypesNot: ['type-only'] },
    ),
    forbid('not-to-unresolvable', 'an import that does not resolve breaks the build', {}, { couldNotResolve: true }),
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // Type-only imports are dependencies too (see the top of this file).
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'] },
  },
};
