// TEMPORARY until src/workshop/sandbox/ lands: the attendee's shell without confinement.
import fs from 'node:fs';
import path from 'node:path';
import { NETBREAK_BIN } from './netbreak-cli.js';
import type { ShellFor } from './lab-host.js';

export const plainShell: ShellFor = ({ attendee, lab, home, stateDir }) => {
  const bin = path.join(home, '.local', 'bin');
  fs.mkdirSync(bin, { recursive: true });
  fs.writeFileSync(path.join(bin, 'netbreak'), `#!/bin/sh\nexec '${process.execPath}' '${NETBREAK_BIN}' "$@"\n`, { mode: 0o755 });
  return {
    file: '/bin/bash',
    args: ['--noprofile', '--norc', '-i'],
    env: {
      HOME: home,
      PATH: `${bin}:/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin`,
      TERM: 'xterm-256color',
      LANG: 'C.UTF-8',
      NETBREAK_STATE_DIR: stateDir,
      KUBECONFIG: path.join(stateDir, 'labs', lab, 'kubeconfig'),
      PS1: `${attendee}:\\w\\$ `,
    },
  };
};
