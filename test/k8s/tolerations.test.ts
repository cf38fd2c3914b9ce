import { describe, expect, it } from 'vitest';
import { daemonPodTolerations, toleratesTaint, untoleratedTaint } from '../../src/k8s/tolerations.js';

const batch = { key: 'dedicated', value: 'batch', effect: 'NoExecute' };

describe('toleratesTaint, as upstream matches them', () => {
  it('an empty operator means Equal: key and value must both match', () => {
    expect(toleratesTaint({ key: 'dedicated', value: 'batch' }, batch)).toBe(true);
    expect(toleratesTaint({ key: 'dedicated', operator: 'Equal', value: 'ingress', effect: 'NoExecute' }, batch)).toBe(false);
    expect(toleratesTaint({ key: 'dedicated' }, batch)).toBe(false);
    expect(toleratesTaint({ key: 'dedicated' }, { key: 'dedicated', effect: 'NoSchedule' })).toBe(true);
  });

  it('Exists ignores the value; without a key it tolerates every taint', () => {
    expect(toleratesTaint({ key: 'dedicated', operator: 'Exists' }, batch)).toBe(true);
    expect(toleratesTaint({ operator: 'Exists' }, batch)).toBe(true);
    expect(toleratesTaint({ key: 'other', operator: 'Exists' }, batch)).toBe(false);
  });

  it("an effect, when given, must be the taint's; an unknown operator tolerates nothing", () => {
    expect(toleratesTaint({ key: 'dedicated', operator: 'Exists', effect: 'NoSchedule' }, batch)).toBe(false);
    expect(toleratesTaint({ operator: 'Exists', effect: 'NoExecute' }, batch)).toBe(true);
    expect(toleratesTaint({ key: 'dedicated', operator: 'In', value: 'batch' }, batch)).toBe(false);
  });

  it('untoleratedTaint looks only at the effects asked for', () => {
    const taints = [{ key: 'a', effect: 'PreferNoSchedule' }, { key: 'b', effect: 'NoSchedule' }, batch];
    expect(untoleratedTaint(taints, [{ key: 'b', operator: 'Exists' }], ['NoSchedule', 'NoExecute'])).toEqual(batch);
    expect(untoleratedTaint(taints, [], ['NoExecute'])).toEqual(batch);
    expect(
      untoleratedTaint(
        taints,
        [
          { key: 'dedicated', value: 'batch' },
          { key: 'b', operator: 'Exists' },
        ],
        ['NoSchedule', 'NoExecute'],
      ),
    ).toBeUndefined();
  });

  it('daemon pods tolerate node conditions, and a host-network daemon an unavailable network too', () => {
    const keys = (hostNetwork: boolean) => daemonPodTolerations(hostNetwork).map((t) => `${t.key}:${t.effect}`);
    expect(keys(false)).toContain('node.kubernetes.io/unreachable:NoExecute');
    expect(keys(false)).toContain('node.kubernetes.io/unschedulable:NoSchedule');
    expect(keys(false)).not.toContain('node.kubernetes.io/network-unavailable:NoSchedule');
    expect(keys(true)).toContain('node.kubernetes.io/network-unavailable:NoSchedule');
    expect(untoleratedTaint([batch], daemonPodTolerations(true), ['NoExecute'])).toEqual(batch);
  });
});
