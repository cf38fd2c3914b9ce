// `netbreak check`: the verify probes show the symptom is gone, and the guards
// show the fix did not cheat (the policy still exists, blocked traffic is still
// blocked). Every item says what it checked and why it failed.
import type { Lab } from '../lab/lab.js';
import { refString } from '../k8s/objects.js';
import { parseObjectRef } from '../k8s/object-ref.js';
import type { Scenario } from '../scenario/schema.js';
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
  const wanted = judged.expect === 'failure' ? 'to fail' : judged.expect;
  return {
    kind,
    description: `${judged.from} → ${judged.to} expects ${wanted}`,
    pass: judged.pass,
    detail: `${judged.outcome}: ${judged.result.detail}${!judged.pass && why ? ` (${why})` : ''}`,
  };
}

export async function runCheck(lab: Lab, scenario: Scenario): Promise<CheckReport> {
  const items = await Promise.all([
    ...scenario.verify.map(async (v) => probeItem('verify', await judgeProbe(lab, v.probe))),
    ...scenario.guards.map(async (g): Promise<CheckItem> => {
      if ('probe' in g) return probeItem('guard', await judgeProbe(lab, g.probe), g.why);
      const text = 'exists' in g ? g.exists : g.absent;
      const ref = parseObjectRef(text);
      const present = (await lab.get(ref)) !== undefined;
      const wantPresent = 'exists' in g;
      return {
        kind: 'guard',
        description: `${refString(ref)} ${wantPresent ? 'still exists' : 'is gone'}`,
        pass: present === wantPresent,
        detail: present === wantPresent ? 'ok' : wantPresent ? 'it was deleted: fix the object instead of removing it' : 'it is still there',
      };
    }),
  ]);
  return { passed: items.every((i) => i.pass), items };
}
