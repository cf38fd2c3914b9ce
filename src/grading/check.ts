// `netbreak check`: the verify probes show the symptom is gone, and the guards
// show the fix did not cheat (the policy still exists, blocked traffic is still
// blocked). Every item says what it checked and why it failed.
import type { Lab } from '../lab/lab.js';
import { parseObjectRef } from '../k8s/object-ref.js';
import { nodeTaints } from '../k8s/tolerations.js';
import { guardDescription, probeDescription, taintText } from '../scenario/guard-description.js';
import type { NodeTaint, Scenario } from '../scenario/schema.js';
import { judgeProbe, type JudgedProbe } from './probes.js';

export interface CheckItem {
  kind: 'verify' | 'guard';
  description: string;
  pass: boolean;
  detail: string;
}

export interface CheckReport {
  passed: boolean;
  items: CheckItem[];
}

function probeItem(kind: CheckItem['kind'], judged: JudgedProbe, why?: string): CheckItem {
  return {
    kind,
    description: probeDescription(judged),
    pass: judged.pass,
    detail: `${judged.outcome}: ${judged.result.detail}${!judged.pass && why ? ` (${why})` : ''}`,
  };
}

/** The node still carries the taint (same key and effect, and value when the guard names one), as kubectl describe node lists it. */
async function taintItem(lab: Lab, wanted: NodeTaint, why?: string): Promise<CheckItem> {
  const description = guardDescription({ taint: wanted });
  const node = await lab.get({ kind: 'Node', name: wanted.node });
  if (!node) return { kind: 'guard', description, pass: false, detail: `the node ${wanted.node} is gone from the cluster` };
  const taints = nodeTaints(node);
  const kept = taints.some((t) => t.key === wanted.key && t.effect === wanted.effect && (wanted.value === undefined || (t.value ?? '') === wanted.value));
  const now = taints.length ? taints.map(taintText).join(', ') : 'none';
  return { kind: 'guard', description, pass: kept, detail: kept ? 'ok' : `the node's taints are now: ${now}${why ? ` (${why})` : ''}` };
}

export async function runCheck(lab: Lab, scenario: Scenario): Promise<CheckReport> {
  const items = await Promise.all([
    ...scenario.verify.map(async (v) => probeItem('verify', await judgeProbe(lab, v.probe))),
    ...scenario.guards.map(async (g): Promise<CheckItem> => {
      if ('probe' in g) return probeItem('guard', await judgeProbe(lab, g.probe), g.why);
      if ('taint' in g) return taintItem(lab, g.taint, g.why);
      const ref = parseObjectRef('exists' in g ? g.exists : g.absent);
      const present = (await lab.get(ref)) !== undefined;
      const wantPresent = 'exists' in g;
      return {
        kind: 'guard',
        description: guardDescription(g),
        pass: present === wantPresent,
        detail: present === wantPresent ? 'ok' : wantPresent ? 'it was deleted: fix the object instead of removing it' : 'it is still there',
      };
    }),
  ]);
  return { passed: items.every((i) => i.pass), items };
}
