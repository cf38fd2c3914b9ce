// The stop a Ctrl-C requests on a kept cluster: waits give up at once, the next
// change is refused, and both say "interrupted" with exit code 130. (This file
// runs in its own worker: the request cannot leak into other tests.)
import { expect, it } from 'vitest';
import { InterruptedError, allowSafeStop, requestStop, safeStopAllowed, throwIfStopRequested, unlessStopped } from '../../src/engine/interruption.js';

it('lets work finish until a stop is requested, then abandons every wait and refuses the next change', async () => {
  expect(safeStopAllowed()).toBe(false);
  allowSafeStop();
  expect(safeStopAllowed()).toBe(true);
  await expect(unlessStopped(Promise.resolve('done'))).resolves.toBe('done');
  await expect(unlessStopped(Promise.reject(new Error('its own failure')))).rejects.toThrow('its own failure');
  expect(() => throwIfStopRequested()).not.toThrow();

  const never = unlessStopped(new Promise(() => {}));
  requestStop();
  await expect(never).rejects.toBeInstanceOf(InterruptedError);
  await expect(unlessStopped(Promise.resolve('late'))).rejects.toMatchObject({ message: 'interrupted', exitCode: 130 });
  expect(() => throwIfStopRequested()).toThrow(InterruptedError);
});
