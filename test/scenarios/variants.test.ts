// Every variant of every library scenario, without a lab: each one is loaded and
// checked for consistency between what it breaks, what the key names, what the
// fix touches and what the probes call, so that a placeholder missed in one
// place (a namespace in a hint, a node in a route) shows up here rather than in
// the one workshop seed nobody ran. variants.e2e.test.ts runs some on the lab.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { faultKind } from '../../src/faults/registry.js';
import { parseObjectRef } from '../../src/k8s/object-ref.js';
import { DEFAULT_TOPOLOGY } from '../../src/lab/netns/backend.js';
import { loadTopology } from '../../src/lab/netns/topology.js';
import type { KubeObject } from '../../src/k8s/objects.js';
import { listScenarios, loadScenario, type LoadedScenario } from '../../src/scenario/loader.js';
import { drawParams, firstParams, paramsText, variantsToCheck, type ParamValues } from '../../src/scenario/params.js';
import type { Scenario } from '../../src/scenario/schema.js';
import { validateScenario } from '../../src/scenario/validate.js';
import { ROOT } from '../helpers/cli.js';

const LIBRARY = path.join(ROOT, 'scenarios');
const { scenarios: library, errors: unloadable } = await listScenarios(LIBRARY);
const ids = library.map((s) => s.scenario.id);
const topology = loadTopology(DEFAULT_TOPOLOGY);
const nodeNames = topology.nodes.map((n) => n.name);

type Step = Scenario['fault'][number];
interface NodeExec {
  node: string;
  run: string[];
  undo?: string[];
}

function stepOf(step: Step): [string, unknown] {
  return Object.entries(step)[0]!;
}

/** Every object the variant's setup, fault and fix manifests define. */
function objectsOf(loaded: LoadedScenario): KubeObject[] {
  return [...loaded.manifests.values()].flat();
}

/** The objects a step names or applies, as `Kind/ns/name` (or `Kind/name`). */
function stepTargets([name, params]: [string, unknown], loaded: LoadedScenario): string[] {
  const object = typeof params === 'string' && name !== 'apply' ? params : (params as { object?: string }).object;
  if (object) return [object];
  return (faultKind(name)?.manifestPaths?.(params) ?? []).flatMap((rel) =>
    (loaded.manifests.get(rel) ?? []).map((o) => [o.kind, o.metadata.namespace, o.metadata.name].filter(Boolean).join('/')),
  );
}

function probesOf(s: Scenario): { from: string; to: string; where: string }[] {
  return [
    { ...s.symptom, where: 'symptom' },
    ...s.verify.map((v, i) => ({ ...v.probe, where: `verify[${i}]` })),
    ...s.guards.flatMap((g, i) => ('probe' in g ? [{ ...g.probe, where: `guards[${i}]` }] : [])),
  ];
}

/** What the learner reads: the story, the hints, the causes and the debrief. */
function prose(s: Scenario): string {
  return [s.story, ...s.hints.map((h) => (typeof h === 'string' ? h : h.text)), ...Object.values(s.diagnosis.causes), s.debrief].join('\n');
}

/** The learner-facing text as the author wrote it, placeholders and all: a value written out here is the same for every learner. */
function writtenProse(loaded: LoadedScenario): string {
  const raw = YAML.parse(readFileSync(path.join(loaded.dir, 'scenario.yaml'), 'utf8')) as Scenario;
  return prose({ ...raw, hints: raw.hints ?? [] });
}

/** Everything a variant puts in front of the learner or into the lab (not params, which list every choice, nor why other backends are unsupported). */
function rendered(loaded: LoadedScenario): string {
  const { params, unsupported, ...fields } = loaded.scenario;
  return JSON.stringify([fields, objectsOf(loaded)]);
}

function word(value: string): RegExp {
  return new RegExp(`(?<![\\w.-])${value.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}(?![\\w-])`);
}

/** The variants validate loads, each loaded once for the checks below; one that does not load fails the validate test. */
const variants = new Map<string, { params: ParamValues; loaded: LoadedScenario }[]>();
for (const s of library) {
  const list = [];
  for (const params of variantsToCheck(s.scenario.params)) {
    const loaded = await loadScenario(s.dir, { params }).catch(() => undefined);
    if (loaded) list.push({ params, loaded });
  }
  variants.set(s.scenario.id, list);
}

describe('the library', () => {
  it('has variants in every scenario, and validate passes for every one of them', async () => {
    expect(unloadable.map((e) => e.message)).toEqual([]);
    for (const s of library) {
      expect(Object.keys(s.scenario.params ?? {}), `${s.scenario.id} declares no params`).not.toEqual([]);
      const result = await validateScenario(s.dir);
      expect(result.issues.map((i) => i.message)).toEqual([]);
      const seen = new Set<string>();
      for (let seed = 1; seed <= 10; seed++) seen.add(paramsText(drawParams(s.scenario.params, seed)));
      expect(seen.size, `${s.scenario.id}: seeds 1-10 all draw the same variant`).toBeGreaterThan(1);
    }
    // Validating the whole library is CPU work that grows with it: 30 s alone, twice that beside other files on two cores.
  }, 180_000);

  it.each(ids)('%s: seed 0 is the reference variant, the first choice of each parameter', (id) => {
    const s = library.find((l) => l.scenario.id === id)!;
    expect(s.params).toEqual(firstParams(s.scenario.params));
    expect(drawParams(s.scenario.params, 0)).toEqual(s.params);
  });

  it.each(ids)('%s: the key names what the fault changes, and the fix works on it, in every variant', (id) => {
    for (const { params, loaded } of variants.get(id)!) {
      const s = loaded.scenario;
      const at = `${id} (${paramsText(params)})`;
      const key = s.diagnosis.object;
      const keyRef = parseObjectRef(key);
      const faultTargets = s.fault.flatMap((step) => stepTargets(stepOf(step), loaded));
      const faultNodes = s.fault.map(stepOf).flatMap(([name, p]) => (name === 'nodeExec' ? [`Node/${(p as NodeExec).node}`] : []));
      expect([...faultTargets, ...faultNodes], `${at}: no fault step changes ${key}`).toContain(key);

      // The fix touches the key's object, something in its namespace or on its node, or the symptom's namespace.
      const places = new Set([key, keyRef.namespace, s.symptom.from.split('/')[0]]);
      const fixPlaces = s.fix.map(stepOf).flatMap((step) => {
        if (step[0] === 'nodeExec') return [`Node/${(step[1] as NodeExec).node}`];
        return stepTargets(step, loaded).flatMap((t) => {
          const ref = parseObjectRef(t);
          return [t, ref.kind === 'Namespace' ? ref.name : ref.namespace];
        });
      });
      expect(
        fixPlaces.some((p) => places.has(p)),
        `${at}: the fix (${fixPlaces.join(', ')}) touches neither ${key} nor its namespace`,
      ).toBe(true);

      // A node command in the fix takes back one the fault typed, on the same node, word for word.
      const undos = s.fault
        .map(stepOf)
        .flatMap(([name, p]) => (name === 'nodeExec' && (p as NodeExec).undo ? [JSON.stringify([(p as NodeExec).node, (p as NodeExec).undo])] : []));
      for (const [name, p] of s.fix.map(stepOf)) {
        if (name === 'nodeExec')
          expect(undos, `${at}: the fix's node command is not the undo of a fault step`).toContain(JSON.stringify([(p as NodeExec).node, (p as NodeExec).run]));
      }

      // The debrief explains this variant's object.
      for (const part of [keyRef.name, keyRef.namespace].filter((x): x is string => x !== undefined)) {
        expect(s.debrief, `${at}: the debrief never names ${part} (from ${key})`).toMatch(word(part));
      }
    }
  });

  it.each(ids)('%s: every probe starts at a workload and calls a Service port this variant defines', (id) => {
    for (const { params, loaded } of variants.get(id)!) {
      const at = `${id} (${paramsText(params)})`;
      const objects = objectsOf(loaded);
      const has = (kind: string, ns: string, name: string) => objects.some((o) => o.kind === kind && o.metadata.namespace === ns && o.metadata.name === name);
      for (const probe of probesOf(loaded.scenario)) {
        const [ns, name] = probe.from.split('/') as [string, string];
        expect(
          ['Deployment', 'DaemonSet', 'Pod'].some((k) => has(k, ns, name)),
          `${at} ${probe.where}: nothing named ${probe.from} runs`,
        ).toBe(true);
        const url = new URL(probe.to);
        const host = url.hostname;
        const inCluster = /^([a-z0-9-]+)\.([a-z0-9-]+)\.svc\.cluster\.local$/.exec(host);
        // A short name (dns://api) is looked up in the caller's own namespace, as the search list does.
        const [svcName, svcNs] = inCluster ? [inCluster[1], inCluster[2]] : url.protocol === 'dns:' && /^[a-z0-9-]+$/.test(host) ? [host, ns] : [];
        if (!svcName || svcNs === 'kube-system') continue; // an address, a node, or a name outside the cluster
        const svc = objects.find((o) => o.kind === 'Service' && o.metadata.namespace === svcNs && o.metadata.name === svcName);
        expect(svc, `${at} ${probe.where}: no Service ${svcNs}/${svcName} for ${probe.to}`).toBeDefined();
        if (url.protocol === 'http:' || url.protocol === 'tcp:') {
          const ports = ((svc!.spec as { ports?: { port: number }[] }).ports ?? []).map((p) => p.port);
          expect(ports, `${at} ${probe.where}: ${probe.to} calls a port Service ${svcNs}/${svcName} does not have`).toContain(Number(url.port || 80));
        }
      }
    }
  });

  it.each(ids)('%s: every Service of the setup selects a workload of this variant that has its target port', (id) => {
    for (const { params, loaded } of variants.get(id)!) {
      const at = `${id} (${paramsText(params)})`;
      const setup = loaded.scenario.setup.flatMap((rel) => loaded.manifests.get(rel) ?? []);
      for (const svc of setup.filter((o) => o.kind === 'Service')) {
        const spec = svc.spec as { selector?: Record<string, string>; ports?: { targetPort?: number | string; port: number }[] };
        if (!spec.selector) continue;
        const templates = setup
          .filter((o) => ['Deployment', 'DaemonSet'].includes(o.kind) && o.metadata.namespace === svc.metadata.namespace)
          .map(
            (o) =>
              (
                o.spec as {
                  template: { metadata?: { labels?: Record<string, string> }; spec: { containers: { ports?: { name?: string; containerPort: number }[] }[] } };
                }
              ).template,
          );
        const selected = templates.filter((t) => Object.entries(spec.selector!).every(([k, v]) => t.metadata?.labels?.[k] === v));
        expect(selected.length, `${at}: Service ${svc.metadata.namespace}/${svc.metadata.name} selects no workload`).toBeGreaterThan(0);
        for (const port of spec.ports ?? []) {
          const target = port.targetPort ?? port.port;
          const declared = selected.flatMap((t) => t.spec.containers.flatMap((c) => c.ports ?? []));
          expect(
            declared.some((p) => p.name === target || p.containerPort === target),
            `${at}: Service ${svc.metadata.namespace}/${svc.metadata.name} targets port ${target}, which its pods do not declare`,
          ).toBe(true);
        }
      }
    }
  });

  it.each(ids)('%s: node commands name the pod CIDR and address of another node this variant runs pods on', (id) => {
    for (const { params, loaded } of variants.get(id)!) {
      const at = `${id} (${paramsText(params)})`;
      const pinned = new Set(
        objectsOf(loaded).flatMap((o) => {
          const host = (o.spec as { template?: { spec?: { nodeSelector?: Record<string, string> } } } | undefined)?.template?.spec?.nodeSelector?.[
            'kubernetes.io/hostname'
          ];
          return host ? [host] : [];
        }),
      );
      for (const host of pinned) expect(nodeNames, `${at}: a workload is pinned to ${host}, which is no lab node`).toContain(host);
      for (const [name, p] of [...loaded.scenario.fault, ...loaded.scenario.fix].map(stepOf)) {
        if (name !== 'nodeExec') continue;
        const step = p as NodeExec;
        for (const argv of [step.run, step.undo ?? []]) {
          argv.forEach((arg, i) => {
            const owner = topology.nodes.find((n) => n.podCIDR === arg);
            if (/^10\.244\.\d+\.0\/24$/.test(arg)) {
              expect(owner, `${at}: ${arg} is no node's pod CIDR`).toBeDefined();
              expect(owner!.name, `${at}: the command on ${step.node} names ${step.node}'s own pod CIDR`).not.toBe(step.node);
              expect([...pinned], `${at}: ${arg} belongs to ${owner!.name}, where none of the scenario's pods is pinned`).toContain(owner!.name);
              if (argv[i + 1] === 'via') expect(argv[i + 2], `${at}: the route to ${arg} must go via ${owner!.name}'s address`).toBe(owner!.ip);
            }
          });
        }
      }
    }
  });

  it.each(ids)('%s: no text gives away the reference variant', (id) => {
    const s = library.find((l) => l.scenario.id === id)!;
    const reference = firstParams(s.scenario.params);
    // A namespace written out instead of {{ params.namespace }} is an answer shared by every learner.
    for (const { params, loaded } of variants.get(id)!) {
      if (typeof reference.namespace !== 'string' || params.namespace === reference.namespace) continue;
      expect(rendered(loaded), `${id} (${paramsText(params)}): "${reference.namespace}" is written out`).not.toMatch(word(reference.namespace));
    }
    // So is a name, path or address the author wrote out in the story, a hint, a cause or the debrief.
    const distinctive = Object.entries(reference).filter(([, v]) => typeof v === 'string' && v.length >= 4 && /[-./0-9]/.test(v));
    for (const [k, v] of distinctive) expect(writtenProse(s), `${id}: ${k}'s reference value ${v} is written out`).not.toMatch(word(String(v)));
    // Where the fault's node is drawn, the prose must say which node from the draw.
    const nodeParams = Object.keys(reference).filter((k) => nodeNames.includes(String(reference[k])));
    if (nodeParams.length === 0) return;
    for (const { params, loaded } of variants.get(id)!) {
      const at = `${id} (${paramsText(params)})`;
      const drawn = nodeParams.map((k) => String(params[k]));
      const text = prose(loaded.scenario);
      expect(
        drawn.some((n) => word(n).test(text)),
        `${at}: the text never says which node (${drawn.join(', ')})`,
      ).toBe(true);
      // A command or a place names a node the variant did not draw ("node/worker2 -- ip route", "on worker2").
      for (const n of nodeNames.filter((n) => !drawn.includes(n) && n !== 'control-plane')) {
        expect(text, `${at}: the story, hints, causes or debrief point at ${n}, which this variant did not draw`).not.toMatch(
          new RegExp(`node/${n}\\b|\\bon ${n}\\b`),
        );
      }
    }
  });
});
