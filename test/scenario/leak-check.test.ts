// The leak check: scenarios that give their answer away on purpose, one way each.
import { afterEach, describe, expect, it } from 'vitest';
import { containsToken, stem } from '../../src/scenario/leak-check.js';
import { validateScenario } from '../../src/scenario/validate.js';
import { replaceOnce, tempScenario, type TempScenario } from './helpers.js';

const STORY = `story: |
  Since Tuesday's security review the shop's frontend cannot reach the api.
  The api pods are Running and Ready.
`;
const RIGHT = '    egress-dns-blocked: An egress policy of the frontend leaves out the cluster DNS on port 53\n';

let tmp: TempScenario | undefined;
afterEach(async () => {
  await tmp?.cleanup();
  tmp = undefined;
});

async function problems(edit: (text: string) => string): Promise<string[]> {
  tmp = await tempScenario(edit);
  return (await validateScenario(tmp.dir)).issues.map((i) => `${i.path}: ${i.problem}`);
}

const withStory = (line: string) => (t: string) => replaceOnce(t, STORY, `${STORY}  ${line}\n`);

describe('the leak check', () => {
  it('passes the fixture, whose story tells only what people saw', async () => {
    expect(await problems((t) => t)).toEqual([]);
  });

  it('finds the evidence in the story, quoting it', async () => {
    expect(await problems(withStory('Lookups to port 53 seem slow.'))).toEqual([
      'story: gives the evidence away: it says "53", the answer to "Which port must the frontend be allowed to send to, besides the api\'s?".',
    ]);
  });

  it('finds what a fault step writes: a changed field name, and a chain target in capitals', async () => {
    const found = await problems(withStory('Someone changed policyTypes; packets DROP.'));
    expect(found).toContain('story: names what the fault changes: "policyTypes" is written by a fault step; tell what people saw instead.');
    expect(found).toContain('story: names what the fault changes: "DROP" is written by a fault step; tell what people saw instead.');
    // The same word in prose case is an ordinary word.
    expect(await problems(withStory('Calls drop after a while.'))).toEqual([]);
  });

  it('finds a word of the right cause that no wrong cause uses, in any form', async () => {
    expect(await problems(withStory('The review team left notes that nobody read; it leaves things as they were.'))).toEqual([
      'story: points at the right cause: "leaves" matches "leaves" in the right cause and no wrong cause uses it; rephrase, or let wrong causes share the word.',
    ]);
    // Once a wrong cause shares the word, it tells nothing.
    const shared = await problems((t) =>
      withStory('It leaves things as they were.')(
        replaceOnce(
          t,
          '    coredns-down: The cluster DNS pods on port 53 are scaled to zero\n',
          '    coredns-down: The cluster DNS pods on port 53 are scaled to zero, which leaves no server\n',
        ),
      ),
    );
    expect(shared).toEqual([]);
  });

  it('holds hints to it except the last, which may name the cause', async () => {
    const early = await problems((t) =>
      replaceOnce(t, '  - Which policies select the frontend pods? netbreak get netpol -n shop\n', '  - Is port 53 allowed? netbreak get netpol -n shop\n'),
    );
    expect(early).toEqual([expect.stringMatching(/^hints\[1\]: gives the evidence away: it says "53"/)]);
    const last = await problems((t) =>
      replaceOnce(
        t,
        '  - {text: Look at the NetworkPolicies in the shop namespace., cost: 20}\n',
        '  - {text: The egress policy leaves out port 53 for DNS., cost: 20}\n',
      ),
    );
    expect(last).toEqual([]);
  });

  it('checks the title and the task too', async () => {
    expect(await problems((t) => replaceOnce(t, 'title: Quiet after the review', 'title: The egress policy that ate DNS'))).toEqual([
      'title: names what the fault changes: "Egress" is written by a fault step; tell what people saw instead.',
      'title: points at the right cause: "policy" matches "policy" in the right cause and no wrong cause uses it; rephrase, or let wrong causes share the word.',
    ]);
    const task = await problems((t) =>
      t.replace("task: Make the frontend reach the api again; the shop's NetworkPolicies", 'task: Allow port 53 again; the NetworkPolicies'),
    );
    expect(task).toEqual([expect.stringMatching(/^task: gives the evidence away: it says "53"/)]);
  });

  it('flags a right cause that stands out by its length or by being the only one with a value', async () => {
    const long = await problems((t) =>
      replaceOnce(
        t,
        RIGHT,
        `${RIGHT.trimEnd()}, because the policy selects every pod of the namespace and lists only the api as a destination, so every lookup of a Service times out\n`,
      ),
    );
    expect(long).toEqual([
      expect.stringMatching(/^diagnosis\.causes\.egress-dns-blocked: stands out: the right cause is \d+ characters, more than 1\.5 times the median wrong one/),
    ]);
    const lone = await problems((t) =>
      replaceOnce(
        replaceOnce(
          t,
          '    wrong-port: The api Service targets port 8081 where nothing listens\n',
          '    wrong-port: The api Service targets a port where nothing listens\n',
        ),
        '    selector-mismatch: The api Service selects pods labelled app=apl, and none are\n',
        '    selector-mismatch: The api Service selects pods by a label none of them carries\n',
      ),
    );
    expect(lone).toEqual([
      'diagnosis.causes.egress-dns-blocked: stands out: the right cause names a concrete value and only 1 wrong one does; give at least two wrong causes values of this variant too.',
    ]);
  });
});

describe('its matching', () => {
  it('matches whole tokens: 80 in ":80/" but not in 8080, a name in any case, a capitals name only in capitals', () => {
    expect(containsToken('http://api:80/', '80')).toBe(true);
    expect(containsToken('http://api:8080/', '80')).toBe(false);
    expect(containsToken('App=Fronted', 'app=fronted')).toBe(true);
    expect(containsToken('the packets drop', 'DROP')).toBe(false);
    expect(containsToken('-j DROP', 'DROP')).toBe(true);
  });

  it('stems the forms a story uses', () => {
    expect(['listens', 'listening', 'listened', 'listen'].map(stem)).toEqual(['listen', 'listen', 'listen', 'listen']);
    expect(stem('ports')).toBe('port');
    expect(stem('8080s')).toBe('8080s');
  });
});
