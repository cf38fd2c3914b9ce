import { expect, it } from 'vitest';
import { nodeExecStep } from '../../src/faults/node-exec.js';
import { FakeLab } from '../helpers/fake-lab.js';

const RUN = ['ip', 'route', 'del', '10.244.2.0/24'];
const UNDO = ['ip', 'route', 'add', '10.244.2.0/24', 'via', '172.18.0.4'];

it('runs the command on the node, and revert runs the undo command on the same node', async () => {
  const lab = new FakeLab();
  const ctx = { lab, manifests: new Map() };
  const undo = JSON.parse(JSON.stringify(await nodeExecStep.apply(ctx, { node: 'worker', run: RUN, undo: UNDO })));
  await nodeExecStep.revert(ctx, undo);
  expect(lab.calls).toEqual([
    { op: 'nodeExec', node: 'worker', argv: RUN },
    { op: 'nodeExec', node: 'worker', argv: UNDO },
  ]);
});

it('without an undo command, revert runs nothing', async () => {
  const lab = new FakeLab();
  const ctx = { lab, manifests: new Map() };
  await nodeExecStep.revert(ctx, await nodeExecStep.apply(ctx, { node: 'worker2', run: RUN }));
  expect(lab.calls).toHaveLength(1);
});

it('a failing command names the node, the command and what it printed', async () => {
  const lab = new FakeLab();
  lab.nodeExecHandler = () => ({ exitCode: 2, stdout: '', stderr: 'RTNETLINK answers: No such process\n' });
  await expect(nodeExecStep.apply({ lab, manifests: new Map() }, { node: 'worker', run: RUN })).rejects.toThrow(
    '"ip route del 10.244.2.0/24" failed on node worker: RTNETLINK answers: No such process',
  );
});

it('a command failing silently reports its exit code', async () => {
  const lab = new FakeLab();
  lab.nodeExecHandler = () => ({ exitCode: 3, stdout: '', stderr: '  ' });
  await expect(nodeExecStep.apply({ lab, manifests: new Map() }, { node: 'control-plane', run: ['false'] })).rejects.toThrow(
    '"false" failed on node control-plane: exit 3',
  );
});

it('describes itself with the node and the command', () => {
  expect(nodeExecStep.describe({ node: 'worker', run: RUN })).toBe('on node worker: ip route del 10.244.2.0/24');
});
