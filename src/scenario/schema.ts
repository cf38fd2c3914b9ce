// The scenario file format. This schema is the contract between scenario authors
// and the engine; the published JSON Schema (schema/scenario.schema.json) is
// generated from it so editors can complete and check scenario files.
import { KubeProxyMode } from '../k8s/kube-proxy/proxy-mode.js';
import { z } from 'zod';
import { BACKEND_NAMES } from '../lab/backends.js';
import { ManifestPath } from '../faults/manifest-path.js';
import { ObjectRefString } from '../k8s/object-ref.js';
import { PROBE_OUTCOMES } from '../lab/probe-outcome.js';
import { ParamsSection } from './params.js';

export const LAYERS = ['dns', 'service', 'endpoints', 'kube-proxy', 'cni', 'networkpolicy', 'conntrack', 'node-firewall', 'application'] as const;
export const Layer = z.enum(LAYERS);
export type Layer = z.infer<typeof Layer>;

/** The backends a scenario may declare: every one in src/lab/backends.ts. */
export const BACKENDS = BACKEND_NAMES;
export const BackendName = z.enum(BACKENDS as [string, ...string[]]);
export type BackendName = z.infer<typeof BackendName>;

/** `namespace/pod-or-deployment`: where a probe starts. A Deployment name picks its first ready pod. */
export const PodRefString = z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?\/[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, {
  message: 'must look like namespace/pod (for example shop/frontend)',
});

export const ProbeOutcome = z.enum(PROBE_OUTCOMES);
export type ProbeOutcome = z.infer<typeof ProbeOutcome>;

/** What a probe must see: one outcome, or `failure` for any outcome but success. */
export const ProbeExpectation = z.enum([...PROBE_OUTCOMES, 'failure']);
export type ProbeExpectation = z.infer<typeof ProbeExpectation>;

export const ProbeUrl = z.string().regex(/^(http|tcp|udp|dns):\/\/[^\s]+$/, {
  message: 'must be a URL such as http://api.shop.svc.cluster.local:8080/, tcp://10.96.0.10:53, udp://host:53 or dns://name',
});

export const ProbeSpec = z
  .object({
    from: PodRefString,
    to: ProbeUrl,
    expect: ProbeExpectation.default('success'),
    /** For http probes: the pod (namespace/name prefix) whose /hostname must answer; otherwise wrong-backend. */
    backend: z.string().optional(),
  })
  .strict();
export type ProbeSpec = z.infer<typeof ProbeSpec>;

export const Symptom = z
  .object({
    from: PodRefString,
    to: ProbeUrl,
    /** What the learner sees while the fault is in place; start refuses to continue otherwise. */
    expect: ProbeExpectation.default('failure'),
  })
  .strict();

/** How a typed evidence answer is normalised before it is compared (see src/grading/evidence.ts). */
export const EVIDENCE_FORMATS = ['text', 'number', 'port', 'ip', 'cidr', 'label', 'name'] as const;
export const EvidenceFormat = z.enum(EVIDENCE_FORMATS);
export type EvidenceFormat = z.infer<typeof EvidenceFormat>;

/**
 * One fact only the lab shows (the label the allow rule asks for, the MTU on
 * the route …), asked after the cause and graded as much as it: a learner who
 * read the story but never looked cannot know it.
 */
export const Evidence = z
  .object({
    question: z.string().min(1),
    answer: z.string().min(1),
    format: EvidenceFormat.default('text'),
    /** Other spellings of the same fact that also count. */
    accept: z.array(z.string().min(1)).default([]),
    /** The learner command whose output shows the answer: debrief and reports print it, the library e2e runs it. */
    reveal: z.string().regex(/^netbreak /, { message: 'must be a netbreak command, for example "netbreak get endpoints api -n shop"' }),
  })
  .strict();
export type Evidence = z.infer<typeof Evidence>;

/** The right cause and at least this many wrong ones: one in six by guessing. */
export const MIN_WRONG_CAUSES = 5;

export const Diagnosis = z
  .object({
    layer: Layer,
    object: ObjectRefString,
    cause: z.string().regex(/^[a-z0-9-]+$/, { message: 'must be a short id such as egress-dns-blocked' }),
    causes: z.record(z.string().regex(/^[a-z0-9-]+$/), z.string().min(1)),
    evidence: Evidence,
  })
  .strict()
  .refine((d) => d.cause in d.causes, { message: 'cause must be one of the ids listed under causes', path: ['cause'] })
  .refine((d) => Object.keys(d.causes).length >= MIN_WRONG_CAUSES + 1, {
    message: `causes must list the right cause and at least ${MIN_WRONG_CAUSES} plausible wrong ones`,
    path: ['causes'],
  });

export const Hint = z.union([z.string().min(1), z.object({ text: z.string().min(1), cost: z.number().int().min(0).max(100) }).strict()]);

/** A step is one fault step kind (see src/faults); its parameters are checked by that kind. */
export const Step = z.record(z.string(), z.unknown()).refine((s) => Object.keys(s).length === 1, {
  message: 'each step has exactly one kind, for example {apply: manifests/deny.yaml}',
});
export type Step = z.infer<typeof Step>;

/** A taint a node must keep, as `kubectl taint` writes one; without `value`, a taint with any value (or none) holds it. */
export const NodeTaint = z
  .object({
    node: z.string().min(1),
    key: z.string().min(1),
    value: z.string().optional(),
    effect: z.enum(['NoSchedule', 'PreferNoSchedule', 'NoExecute']),
  })
  .strict();
export type NodeTaint = z.infer<typeof NodeTaint>;

export const Guard = z.union([
  z.object({ exists: ObjectRefString }).strict(),
  z.object({ absent: ObjectRefString }).strict(),
  z.object({ probe: ProbeSpec, why: z.string().optional() }).strict(),
  z.object({ taint: NodeTaint, why: z.string().optional() }).strict(),
]);
export type Guard = z.infer<typeof Guard>;

export const Verify = z.object({ probe: ProbeSpec }).strict();

export const Scenario = z
  .object({
    id: z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, { message: 'must be lower-case letters, digits and dashes' }),
    title: z.string().min(1),
    difficulty: z.enum(['beginner', 'intermediate', 'advanced']),
    layers: z.array(Layer).min(1),
    backends: z.array(BackendName).min(1),
    /** Why a backend is missing from `backends`, shown by `list`. */
    // partialRecord: zod 4's z.record with enum keys is exhaustive (it would demand all three backends).
    unsupported: z.partialRecord(BackendName, z.string()).optional(),
    /**
     * Seeded variants: each parameter's choices; the session's seed picks one of
     * each, and `{{ params.name }}` anywhere else in scenario.yaml or its
     * manifests takes the picked value.
     */
    params: ParamsSection.optional(),
    /** The cluster the scenario runs on, where it differs from the default (often a param: the mode is part of the variant). */
    cluster: z.object({ kubeProxyMode: KubeProxyMode }).strict().optional(),
    story: z.string().min(1),
    /** The acceptance criteria of the fix, stated up front as an exam task does; never the cause. */
    task: z.string().min(1),
    symptom: Symptom,
    setup: z.array(ManifestPath).default([]),
    fault: z.array(Step).min(1),
    diagnosis: Diagnosis,
    hints: z.array(Hint).min(3),
    verify: z.array(Verify).min(1),
    guards: z.array(Guard).default([]),
    fix: z.array(Step).min(1),
    debrief: z.string().min(1),
  })
  .strict();
export type Scenario = z.infer<typeof Scenario>;
