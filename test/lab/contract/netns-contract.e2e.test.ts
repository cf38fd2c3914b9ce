// The Lab contract on the embedded netns lab, for real: root, network
// namespaces, real packets (run under the shared lab-test lock). The lab is made
// and removed by the built CLI, whose supervisor runs from dist/, and driven
// through the backend's attach(), as every command after `start` does.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { backendByName } from '../../../src/lab/backends.js';
import { netbreak } from '../../helpers/cli.js';
import { labGate } from '../../helpers/lab-gate.js';
import { labContract } from './lab-contract.js';

const gate = labGate();
const LAB = `contract-${process.pid % 100000}`;
const backend = backendByName('netns')!;
const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'nb-contract-'));
const env = { NETBREAK_STATE_DIR: stateDir };

labContract(
  gate.title('netns'),
  {
    backend,
    async up() {
      process.env.NETBREAK_STATE_DIR = stateDir;
      const up = await netbreak(['lab', 'up', '--name', LAB], env);
      if (up.code !== 0) throw new Error(`netbreak lab up failed: ${up.stderr}`);
      return backend.attach(LAB);
    },
    async down() {
      const down = await netbreak(['lab', 'down', '--name', LAB], env);
      if (down.code !== 0) throw new Error(`netbreak lab down failed: ${down.stderr}`);
    },
  },
  gate.skip,
);
