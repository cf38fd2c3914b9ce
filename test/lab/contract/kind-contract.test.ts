// The Lab contract on the kind backend, through its fakes: fake kind, docker and
// kubectl on PATH, a fake API server for the cluster kind "creates".
import { backendByName } from '../../../src/lab/backends.js';
import { kindTimeouts } from '../../../src/lab/kind/backend.js';
import { silentProgress } from '../../../src/lab/progress.js';
import { FakeApiServer } from '../kind/fake-api-server.js';
import { useFakeTools, type FakeTools } from '../kind/fake-tools.js';
import { playTheWorld } from './fake-world.js';
import { labContract } from './lab-contract.js';

const backend = backendByName('kind')!;
const saved = { ...kindTimeouts };
let api: FakeApiServer;
let fake: FakeTools;

labContract('kind (fake tools and API server)', {
  backend,
  async up() {
    api = await new FakeApiServer().start();
    api.seedCluster('netbreak');
    fake = useFakeTools({ state: { apiServer: api.url } });
    Object.assign(kindTimeouts, { readyMs: 2000, namespacesGoneMs: 2000, pollMs: 5 });
    return backend.up('netbreak', {}, silentProgress);
  },
  playTheWorld: () => playTheWorld(api, fake),
  async down() {
    fake.restore();
    await api.stop();
    Object.assign(kindTimeouts, saved);
  },
});
