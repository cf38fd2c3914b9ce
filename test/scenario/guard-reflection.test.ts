// "A guard never checks something the task did not ask for": scenarios whose
// guards check what their task text never states, one way each.
import { afterEach, describe, expect, it } from 'vitest';
import { displayPath } from '../../src/scenario/errors.js';
import { validateScenario } from '../../src/scenario/validate.js';
import { replaceOnce, tempScenario, type TempScenario } from './helpers.js';

const TASK =
  "task: Make the frontend reach the api again; the shop's NetworkPolicies and the kube-dns Service stay in place, and the frontend must not reach the internet (1.1.1.1).";
const GUARDS = `guards:
  - exists: NetworkPolicy/shop/default-deny-egress
  - exists: Service/kube-system/kube-dns
  - probe: {from: shop/frontend, to: "tcp://1.1.1.1:443", expect: timeout}
`;

let tmp: TempScenario | undefined;
afterEach(async () => {
  await tmp?.cleanup();
  tmp = undefined;
});

async function problems(edit: (text: string) => string): Promise<string[]> {
  tmp = await tempScenario(edit);
  return (await validateScenario(tmp.dir)).issues.map((i) => i.message);
}

const withTask = (task: string) => (t: string) => replaceOnce(t, TASK, `task: ${task}`);
const withGuard = (guard: string) => (t: string) => replaceOnce(t, GUARDS, `${GUARDS}  - ${guard}\n`);

describe('guards reflected in the task text', () => {
  it('passes the fixture, whose task names every guard', async () => {
    expect(await problems((t) => t)).toEqual([]);
  });

  it('fails an object guard whose object the task names neither by name nor by kind, at the guard line', async () => {
    const found = await problems(
      withTask('Make the frontend reach the api again; the kube-dns Service stays, and the frontend must not reach the internet (1.1.1.1).'),
    );
    expect(found).toEqual([
      expect.stringMatching(
        /scenario\.yaml:\d+: guards\[0\]\.exists: checks something the task does not ask for: the task names neither the NetworkPolicy this guard keeps nor NetworkPolicy objects in its namespace; state it in task:/,
      ),
    ]);
    expect(found[0]!.startsWith(`${displayPath(tmp!.file)}:`)).toBe(true);
  });

  it('accepts an object named by its own name, without its kind or namespace', async () => {
    const task =
      "Make the frontend reach the api again; the shop's NetworkPolicies stay in place, kube-dns too, and the frontend must not reach the internet (1.1.1.1).";
    expect(await problems(withTask(task))).toEqual([]);
  });

  it("fails an object in another namespace than the symptom's when the task names neither it nor that namespace", async () => {
    const found = await problems(
      withTask(
        "Make the frontend reach the api again; the shop's NetworkPolicies and every Service stay in place, and the frontend must not reach the internet (1.1.1.1).",
      ),
    );
    expect(found).toEqual([expect.stringMatching(/guards\[1\]\.exists: .*never names "kube-system", the namespace of the Service this guard keeps;/)]);
  });

  it('fails a probe guard whose source, its namespace or its target the task never names', async () => {
    const found = await problems(withGuard('probe: {from: kube-system/coredns, to: "tcp://10.96.0.10:53", expect: success}'));
    expect(found).toEqual([
      expect.stringMatching(/guards\[3\]\.probe\.from: .*never names "coredns", where the guard's probe starts;/),
      expect.stringMatching(/guards\[3\]\.probe\.from: .*never names "kube-system", the namespace the guard's probe starts in;/),
      expect.stringMatching(/guards\[3\]\.probe\.to: .*never names "10\.96\.0\.10", the target of the guard's probe;/),
    ]);
  });

  it('fails a taint guard whose node the task never names, and accepts it once the task does', async () => {
    const guard = 'taint: {node: worker2, key: dedicated, value: nightly, effect: NoExecute}';
    expect(await problems(withGuard(guard))).toEqual([
      expect.stringMatching(/guards\[3\]\.taint\.node: .*never names "worker2", the node whose taint this guard keeps;/),
    ]);
    const task =
      "Make the frontend reach the api again; the shop's NetworkPolicies and the kube-dns Service stay in place, worker2 stays in its pool, and the frontend must not reach the internet (1.1.1.1).";
    expect(await problems((t) => withGuard(guard)(withTask(task)(t)))).toEqual([]);
  });

  it('fails a probe guard whose answering pods the task never names', async () => {
    const found = await problems(withGuard('probe: {from: shop/frontend, to: "http://api.shop.svc.cluster.local:8080/", expect: success, backend: coredns-}'));
    expect(found).toEqual([expect.stringMatching(/guards\[3\]\.probe\.backend: .*never names "coredns", the pods that must answer the guard's probe;/)]);
  });

  it('fails a guard on another port of a target the task is about, until the task names the port', async () => {
    const guard = 'probe: {from: shop/frontend, to: "http://api.shop.svc.cluster.local:9090/", expect: timeout}';
    expect(await problems(withGuard(guard))).toEqual([
      expect.stringMatching(/guards\[3\]\.probe\.to: .*never names "9090", the port the guard probes on api, not the one the task is about;/),
    ]);
    const stated =
      "Make the frontend reach the api again (its metrics port 9090 stays closed); the shop's NetworkPolicies and the kube-dns Service stay in place, and the frontend must not reach the internet (1.1.1.1).";
    expect(await problems((t) => withTask(stated)(withGuard(guard)(t)))).toEqual([]);
  });
});
