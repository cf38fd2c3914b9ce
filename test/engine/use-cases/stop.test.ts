// stop on a kind lab, whose cluster outlives it: the journal is undone on the
// cluster (the scenario loaded once for that and for the history line), the
// lab released, the session recorded; --delete-cluster asks first.
import fs from 'node:fs';
import path from 'node:path';
import { beforeEach, expect, it, vi } from 'vitest';
import { readSession } from '../../../src/engine/session.js';
import { stop } from '../../../src/engine/use-cases/stop.js';
import { silentProgress } from '../../../src/lab/progress.js';
import { labRecordFile } from '../../../src/lab/state.js';
import { loadScenario } from '../../../src/scenario/loader.js';
import type { FakeLab } from '../../helpers/fake-lab.js';
import { LAB, playing, useTempFolders } from './fixture.js';

const kind = vi.hoisted(() => ({
  name: 'kind',
  attached: undefined as unknown,
  attach: async () => kind.attached,
  release: vi.fn(async (lab: string) => ({ lab, removed: ['namespaces of the lab'] })),
  down: vi.fn(async (lab: string) => ({ lab, removed: ['kind cluster'] })),
}));
vi.mock('../../../src/lab/backends.js', async (original) => ({
  ...(await original<typeof import('../../../src/lab/backends.js')>()),
  backends: [],
  backendOfLab: () => kind,
  backendByName: () => kind,
}));
vi.mock('../../../src/scenario/loader.js', async (original) => {
  const real = await original<typeof import('../../../src/scenario/loader.js')>();
  return { ...real, loadScenario: vi.fn(real.loadScenario) };
});

useTempFolders();
beforeEach(() => vi.clearAllMocks());

async function kindSession(): Promise<FakeLab> {
  const { lab } = await playing({ backend: 'kind', hintsUsed: 1 });
  kind.attached = lab;
  fs.writeFileSync(labRecordFile(LAB), JSON.stringify({ name: LAB, backend: 'kind', cluster: 'school' }));
  return lab;
}

const selectorOf = (lab: FakeLab) => (lab.dump().find((o) => o.kind === 'Service')!.spec as { selector: Record<string, string> }).selector;

it('undoes the journal on the kept cluster, releases the lab and records the session, loading the scenario once', async () => {
  const lab = await kindSession();
  const broken = selectorOf(lab);
  const confirm = vi.fn(async () => true);
  const stopped = await stop({ lab: LAB, confirmDeletion: confirm, progress: silentProgress });
  expect(selectorOf(lab)).not.toEqual(broken);
  expect(Object.values(selectorOf(lab))[0]).not.toMatch(/-v2$/);
  expect(kind.release).toHaveBeenCalledWith(LAB);
  expect(kind.down).not.toHaveBeenCalled();
  expect(confirm).not.toHaveBeenCalled();
  expect(loadScenario).toHaveBeenCalledTimes(1);
  expect(stopped).toMatchObject({
    lab: LAB,
    removed: ['namespaces of the lab'],
    summary: { scenario: 'afternoon-deploy', hintsUsed: 1, diagnosis: null, fixed: false },
    notices: [],
  });
  expect(stopped.summary!.elapsed).toBeGreaterThanOrEqual(90_000);
  const history = fs.readFileSync(path.join(process.env.NETBREAK_DATA_DIR!, 'history.jsonl'), 'utf8');
  expect(JSON.parse(history.trim())).toMatchObject({ id: stopped.historyId, scenario: 'afternoon-deploy' });
});

it('says which change it could not undo, and still releases the lab', async () => {
  const lab = await kindSession();
  await lab.delete({ kind: 'Service', namespace: lab.dump().find((o) => o.kind === 'Service')!.metadata.namespace, name: 'api' });
  const stopped = await stop({ lab: LAB, confirmDeletion: async () => true, progress: silentProgress });
  expect(stopped.notices).toEqual([
    {
      about: 'warning',
      text: expect.stringMatching(/^could not undo patch: .+; the kind cluster may keep that change \("netbreak clean" deletes the cluster\)$/),
    },
  ]);
  expect(kind.release).toHaveBeenCalledWith(LAB);
});

it('--delete-cluster asks about the cluster by its name; a no removes nothing and keeps the session', async () => {
  await kindSession();
  const no = vi.fn(async () => false);
  await expect(stop({ lab: LAB, deleteCluster: true, confirmDeletion: no, progress: silentProgress })).rejects.toMatchObject({
    message: 'cancelled: the kind cluster is kept',
    exitCode: 130,
  });
  expect(no).toHaveBeenCalledWith('school');
  expect(kind.down).not.toHaveBeenCalled();
  expect(kind.release).not.toHaveBeenCalled();
  expect(readSession(LAB)).toBeDefined();

  const stopped = await stop({ lab: LAB, deleteCluster: true, confirmDeletion: async () => true, progress: silentProgress });
  expect(kind.down).toHaveBeenCalledWith(LAB);
  expect(stopped.removed).toEqual(['kind cluster']);
});
