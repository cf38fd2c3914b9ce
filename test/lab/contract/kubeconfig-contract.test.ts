// The Lab contract on the kubeconfig backend, through its fakes: a shared
// cluster (the fake API server) named by an explicit context, one learner.
import fs from 'node:fs';
import path from 'node:path';
import { backendByName } from '../../../src/lab/backends.js';
import { kubeconfigTimeouts } from '../../../src/lab/kubeconfig/backend.js';
import { silentProgress } from '../../../src/lab/progress.js';
import { FakeApiServer, kubeconfigText } from '../kind/fake-api-server.js';
import { useFakeTools, type FakeTools } from '../kind/fake-tools.js';
import { playTheWorld } from './fake-world.js';
import { labContract } from './lab-contract.js';

const backend = backendByName('kubeconfig')!;
const saved = { ...kubeconfigTimeouts };
let api: FakeApiServer;
let fake: FakeTools;

labContract('kubeconfig (fake API server)', {
  backend,
  async up() {
    api = await new FakeApiServer().start();
    api.seedCluster('shared', { netbreakLabel: false });
    fake = useFakeTools({ state: { apiServer: api.url } });
    const kubeconfig = path.join(fake.dir, 'kubeconfig');
    fs.writeFileSync(kubeconfig, kubeconfigText(api.url, ['prod', 'workshop'], 'prod'));
    Object.assign(kubeconfigTimeouts, { pollMs: 5, namespacesGoneMs: 2000 });
    return backend.up('netbreak', { context: 'workshop', learner: 'alice', kubeconfig }, silentProgress);
  },
  playTheWorld: () => playTheWorld(api, fake),
  async down() {
    await backend.down('netbreak');
    fake.restore();
    await api.stop();
    Object.assign(kubeconfigTimeouts, saved);
  },
});
