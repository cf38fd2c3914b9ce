// An attendee's sandboxed shell against a real lab (issue #17). Their lab is started as
// a hosted workshop starts it (the attendees' host user, their own state folder,
// NETBREAK_LAB_CONFINED=1): kubectl and `netbreak check` work on it from the shell,
// another attendee's lab is out of reach, and a shell in one of their pods does not
// show the trainer's files, which a pod of a lab started without the option does.
import fs from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findBwrap } from '../../src/workshop/sandbox/attendee-shell.js';
import { runAsAttendee } from '../../src/workshop/sandbox/identity.js';
import { gate, labGate } from '../helpers/lab-gate.js';
import { type Attendee, attendeeDir, inShell, newAttendee, outside, reported } from './sandbox-fixture.js';

function bwrapMissing(): string | undefined {
  try {
    findBwrap();
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}
const lab = labGate(['kubectl']);
const sandboxLab = lab.skip ? lab : gate(bwrapMissing());
const SCENARIO = 'afternoon-deploy';

/** Runs netbreak as the attendees' host user outside any sandbox, on `attendee`'s state folder. */
function netbreakFor(attendee: Attendee, args: string[], extra: Record<string, string> = {}) {
  const install = attendee.options.install!;
  const [file, ...rest] = runAsAttendee([process.execPath, path.join(install, 'bin', 'netbreak.js'), ...args]);
  return execa(file!, rest, {
    reject: false,
    timeout: 120_000,
    cwd: '/',
    extendEnv: false,
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: attendee.options.home,
      NETBREAK_STATE_DIR: attendee.options.stateDir,
      NETBREAK_DATA_DIR: path.join(attendee.options.home, '.netbreak-data'),
      NETBREAK_BACKEND: 'netns',
      NO_COLOR: '1',
      ...extra,
    },
  });
}

/** `cat FILE` in the first pod of namespace shop, through the lab's own exec (what `kubectl exec` runs). */
function catInPod(file: string): string {
  return `pod=$(kubectl get pods -n shop -o name | head -n 1)\nkubectl exec -n shop "$pod" -- cat ${file} >/dev/null 2>&1; echo podread=$?`;
}

describe.skipIf(sandboxLab.skip)(sandboxLab.title("an attendee's sandboxed shell on their own confined lab"), () => {
  let alice: Attendee;
  let bob: Attendee;
  let trainerFile: string;

  beforeAll(async () => {
    alice = newAttendee('alice');
    bob = newAttendee('bob');
    // The trainer's files (the room file in the room's folder), readable by the attendees' host user outside.
    const trainer = attendeeDir('nb-sbx-trainer-');
    fs.chmodSync(trainer, 0o755);
    trainerFile = path.join(trainer, 'workshop-room.json');
    fs.writeFileSync(trainerFile, '{"secret":"room-secret"}\n', { mode: 0o644 });
    // Alice's lab as a hosted workshop starts it; Bob's without the option, to show what it hides.
    const [a, b] = await Promise.all([
      netbreakFor(alice, ['start', SCENARIO, '--lab', 'alice', '--seed', '0'], { NETBREAK_LAB_CONFINED: '1' }),
      netbreakFor(bob, ['start', SCENARIO, '--lab', 'bob', '--seed', '0']),
    ]);
    expect(a.exitCode, `${a.stdout}\n${a.stderr}`).toBe(0);
    expect(b.exitCode, `${b.stdout}\n${b.stderr}`).toBe(0);
  }, 240_000);

  afterAll(async () => {
    await Promise.all([netbreakFor(alice, ['stop', '--lab', 'alice']), netbreakFor(bob, ['stop', '--lab', 'bob'])]);
  }, 120_000);

  it('runs kubectl and netbreak check against their own lab', async () => {
    const inside = await inShell(alice, 'kubectl get pods -A --no-headers | grep -c Running | sed "s/^/running=/"\nnetbreak check --lab alice; echo check=$?');
    expect(Number(reported(inside, 'running')), inside.output).toBeGreaterThan(0);
    // The scenario is unsolved: check runs, grades and says so (exit 1), rather than failing to reach the lab.
    expect(inside.output).not.toMatch(/unexpected error|cannot reach|no lab/i);
    expect(reported(inside, 'check'), inside.output).toBe('1');
  }, 120_000);

  it("cannot use another attendee's lab", async () => {
    const bobKubeconfig = path.join(bob.options.stateDir, 'labs', 'bob', 'kubeconfig');
    const script = `kubectl --kubeconfig ${bobKubeconfig} get pods -A >/dev/null 2>&1; echo kubectl=$?\nNETBREAK_STATE_DIR=${bob.options.stateDir} netbreak check --lab bob >/dev/null 2>&1; echo check=$?`;
    expect(reported(outside(`export HOME=${bob.options.home}\n${script}`), 'kubectl'), 'outside, the same user reaches it').toBe('0');
    const inside = await inShell(alice, script);
    expect(reported(inside, 'kubectl'), inside.output).not.toBe('0');
    expect(['0', '1']).not.toContain(reported(inside, 'check'));
  }, 120_000);

  it("shows the trainer's files in no pod of their lab, which a lab started without the option shows", async () => {
    expect(reported(outside(`cat ${trainerFile} >/dev/null; echo read=$?`), 'read'), 'the trainer reads it outside').toBe('0');
    const unconfined = outside(`export KUBECONFIG=${path.join(bob.options.stateDir, 'labs', 'bob', 'kubeconfig')}\n${catInPod(trainerFile)}`);
    expect(reported(unconfined, 'podread'), `a pod of an unconfined lab: ${unconfined.output}`).toBe('0');
    const inside = await inShell(alice, `${catInPod(trainerFile)}\n${catInPod(path.join(bob.options.home, '..', 'state', 'labs', 'bob', 'lab.json'))}`);
    expect(inside.output).toMatch(/^podread=/m);
    for (const line of inside.output.match(/^podread=.*$/gm) ?? []) expect(line, inside.output).not.toBe('podread=0');
    expect(inside.output).not.toMatch(/room-secret/);
    // The lab itself still runs from what it kept: its own state folder answers from a pod.
    const own = await inShell(alice, catInPod(path.join(alice.options.stateDir, 'labs', 'alice', 'lab.json')));
    expect(reported(own, 'podread'), own.output).toBe('0');
  }, 120_000);
});
