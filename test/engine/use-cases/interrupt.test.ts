// Ctrl-C while a lab is built, as the engine decides it: a netns lab is removed
// whole (once, however often Ctrl-C comes); a lab on a kept cluster is left as
// it is until it is up, then stopped at the next safe point, and left as it is
// at a second Ctrl-C. The handlers are called directly, as a signal would: the
// test worker's own SIGINT listeners stay out of it. (The stop request is
// process-wide, so the tests run in this order, in this file's own worker.)
import fs from 'node:fs';
import path from 'node:path';
import { expect, it, vi } from 'vitest';
import { InterruptedError, allowSafeStop, unlessStopped } from '../../../src/engine/interruption.js';
import { removeLabOnInterrupt, type Interruption } from '../../../src/engine/use-cases/interrupt.js';
import { labRecordFile } from '../../../src/lab/state.js';
import { useTempFolders } from './fixture.js';

const down = vi.hoisted(() => vi.fn(async (lab: string) => ({ lab, removed: [`lab ${lab}`] })));
vi.mock('../../../src/lab/netns/backend.js', () => ({ netnsBackend: { down } }));

useTempFolders();

/** Runs `work` guarded for lab `lab`; `press()` is one Ctrl-C. */
function guarded(lab: string, work: Promise<string>) {
  const told: Interruption[] = [];
  const before = new Set(process.listeners('SIGINT'));
  const running = removeLabOnInterrupt(
    lab,
    () => work,
    (i) => void told.push(i),
  );
  const handler = process.listeners('SIGINT').find((l) => !before.has(l))!;
  return { told, running, press: () => (handler as () => void)() };
}

function kindLab(lab: string): void {
  fs.mkdirSync(path.dirname(labRecordFile(lab)), { recursive: true });
  fs.writeFileSync(labRecordFile(lab), JSON.stringify({ name: lab, backend: 'kind' }));
}

it('removes a netns lab whole, once, and says when it is gone', async () => {
  const listening = process.listenerCount('SIGINT');
  let finish!: (v: string) => void;
  const { told, running, press } = guarded('nslab', new Promise<string>((r) => (finish = r)));
  press();
  press();
  await vi.waitFor(() => expect(told.map((i) => i.event)).toEqual(['removing', 'removed']));
  expect(down).toHaveBeenCalledTimes(1);
  expect(down).toHaveBeenCalledWith('nslab');
  finish('done');
  await running;
  expect(process.listenerCount('SIGINT')).toBe(listening);
});

it('leaves a kind lab as it is while it is not up yet', async () => {
  kindLab('kindlab');
  const { told, running, press } = guarded('kindlab', Promise.resolve('done'));
  press();
  expect(told).toEqual([{ event: 'left', lab: 'kindlab', backend: expect.objectContaining({ name: 'kind' }) }]);
  await running;
});

it('once the kind lab is up: stops at the next safe point, and leaves it as it is at a second Ctrl-C', async () => {
  kindLab('kindlab');
  allowSafeStop();
  const before = process.listenerCount('SIGTERM');
  const { told, running, press } = guarded('kindlab', unlessStopped(new Promise<string>(() => {})));
  expect(process.listenerCount('SIGTERM')).toBe(before + 1);
  press();
  await expect(running).rejects.toBeInstanceOf(InterruptedError);
  expect(told).toEqual([{ event: 'stopping', lab: 'kindlab' }]);
  expect(process.listenerCount('SIGTERM')).toBe(before);
  expect(down).not.toHaveBeenCalledWith('kindlab');

  const again = guarded('kindlab', unlessStopped(new Promise<string>(() => {})));
  again.press();
  again.press();
  expect(again.told.map((i) => i.event)).toEqual(['stopping', 'left']);
  await expect(again.running).rejects.toBeInstanceOf(InterruptedError);
});
