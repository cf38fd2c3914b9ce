// Every root test file that makes network namespaces calls this first, inside its
// root-only describe: the host's network (see host-state.ts) is fingerprinted
// before the file's own beforeAll and compared after its own afterAll (vitest
// runs after-hooks in reverse order), so the comparison sees the host once the
// file has removed everything it made.
import { afterAll, beforeAll, expect } from 'vitest';
import { hostNetworkState } from './host-state.js';

/**
 * `lab` is the file's own lab (other labs' /etc/netns folders are not the
 * host's state); `pick` narrows the fingerprint for files that make
 * namespaces of their own outside any lab.
 */
export function guardHost(lab: string, pick: (state: Record<string, string>) => Record<string, string> = (s) => s): void {
  let before: Record<string, string>;
  beforeAll(async () => {
    before = pick(await hostNetworkState(lab));
  });
  afterAll(async () => {
    expect(pick(await hostNetworkState(lab)), 'the host network changed').toEqual(before);
  });
}
