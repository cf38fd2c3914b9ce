import { afterEach, expect, it } from 'vitest';
import { engineStatus, execArgv, nodeExec } from '../../../src/lab/kind/docker.js';
import { useFakeTools, type FakeTools } from './fake-tools.js';

let fake: FakeTools | undefined;
afterEach(() => fake?.restore());

it('builds docker exec command lines', () => {
  expect(execArgv('docker', 'netbreak-worker', ['bash'], true)).toEqual(['docker', 'exec', '-it', 'netbreak-worker', 'bash']);
});

it('finds the engine: docker up, docker down, permission denied, podman fallback, nothing installed', async () => {
  fake = useFakeTools({ tools: ['docker'] });
  expect(await engineStatus()).toEqual({ ok: true, engine: 'docker', version: '27.1.1' });
  fake.setState({ docker: 'down' });
  expect(await engineStatus()).toEqual({
    ok: false,
    reason: expect.stringMatching(/^docker is installed but its engine is not running \(Cannot connect.*\): start it/),
  });
  fake.setState({ docker: 'denied' });
  expect(await engineStatus()).toEqual({ ok: false, reason: expect.stringMatching(/may not use it.*docker group/) });
  fake.restore();
  fake = useFakeTools({ tools: ['docker', 'podman'], state: { docker: 'down', podman: 'up' } });
  expect(await engineStatus()).toEqual({ ok: true, engine: 'podman', version: '5.2.2' });
  fake.restore();
  fake = useFakeTools({ tools: [] });
  expect(await engineStatus()).toEqual({
    ok: false,
    reason: 'neither docker nor podman is installed: install Docker (https://docs.docker.com/engine/install/) or podman',
  });
});

it('runs node commands with docker exec in the node container', async () => {
  fake = useFakeTools({ state: { clusters: ['netbreak'], execReplies: { 'iptables-save -c': { stdout: '*nat\nCOMMIT\n' } } } });
  expect(await nodeExec('docker', 'netbreak-worker', ['iptables-save', '-c'])).toEqual({ exitCode: 0, stdout: '*nat\nCOMMIT\n', stderr: '' });
  const missing = await nodeExec('docker', 'netbreak-worker9', ['true']);
  expect(missing.exitCode).toBe(1);
  expect(missing.stderr).toContain('No such container: netbreak-worker9');
  expect(fake.calls()).toEqual([
    ['docker', 'exec', 'netbreak-worker', 'iptables-save', '-c'],
    ['docker', 'exec', 'netbreak-worker9', 'true'],
  ]);
});
