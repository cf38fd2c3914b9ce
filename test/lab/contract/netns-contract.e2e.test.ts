// The Lab contract on the embedded netns lab, for real: root, network
// namespaces, real packets (run under the shared lab-test lock).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { backendByName } from '../../../src/lab/backends.js';
import { silentProgress } from '../../../src/lab/progress.js';
import { labGate } from '../../helpers/lab-gate.js';
import { labContract } from './lab-contract.js';

const gate = labGate();
const LAB = 'nb-contract';
const backend = backendByName('netns')!;
let saved: string | undefined;

labContract(
  gate.title('netns'),
  {
    backend,
    async up() {
      saved = process.env.NETBREAK_STATE_DIR;
      process.env.NETBREAK_STATE_DIR = fs.mkdtempSync(path.join(os.tmpdir(), 'nb-contract-'));
      return backend.up(LAB, { workers: 2 }, silentProgress);
    },
    async down() {
      await backend.down(LAB);
      if (saved === undefined) delete process.env.NETBREAK_STATE_DIR;
      else process.env.NETBREAK_STATE_DIR = saved;
    },
  },
  gate.skip,
);
