// The one skip gate of every test that needs this machine's lab: user namespaces
// (root always has them; an ordinary user where the kernel allows) and the
// Debian packages the lab runs (plus any tool the test itself runs). A group
// that cannot run here is skipped whole, its title naming the package and the
// install line, and lab-skip-reporter.ts counts those groups at the end of the
// run (and fails a CI run that skipped any).
import { spawnSync } from 'node:child_process';
import { LAB_BINARIES, missingSentence } from '../../src/lab/host-packages.js';
import { APPARMOR_BLOCKED, procSysReader, userNamespaceBlocked } from '../../src/lab/netns/userns-check.js';
import { isRoot } from './root.js';

/** What a gated title carries; the reporter finds skipped groups by it. */
export const SKIP_MARK = 'skipped on this machine: ';

export interface Gate {
  /** True when the group cannot run here. */
  skip: boolean;
  /** Why, as one sentence with what to install; '' when it runs. */
  reason: string;
  /** `title`, with the reason appended when the group is skipped. */
  title(title: string): string;
}

export function gate(reason: string | undefined): Gate {
  const why = reason ?? '';
  return { skip: why !== '', reason: why, title: (title) => (why ? `${title} (${SKIP_MARK}${why})` : title) };
}

/**
 * The gate for a group that makes network namespaces or labs. `tools` are the
 * binaries the test runs itself besides the lab's (tcpdump, dig, …).
 */
export function labGate(tools: string[] = []): Gate {
  const missing = missingSentence('this lab test', [...new Set([...LAB_BINARIES, ...tools])], undefined, true);
  return gate(missing ?? userNamespaceBlocked(procSysReader('/proc/sys'), isRoot) ?? (isRoot || canMakeLabNamespaces() ? undefined : APPARMOR_BLOCKED));
}

/**
 * The gate for a group that makes network namespaces in the host's own /run/netns,
 * outside any lab (kernel and packet tests of the lab's building blocks): root only.
 */
export function hostNetnsGate(tools: string[] = []): Gate {
  if (!isRoot) return gate('makes network namespaces on the host itself, outside any lab, which needs root: run the tests as root (sudo npm test)');
  return gate(missingSentence('this test', [...new Set(['ip', 'iptables', 'iptables-restore', 'iptables-save', ...tools])], undefined, true));
}

/** What a lab does first, tried as this user: a user and network namespace in which it adds a link. */
function canMakeLabNamespaces(): boolean {
  const uid = String(process.getuid?.());
  const probe = spawnSync('unshare', [
    '--user',
    `--map-user=${uid}`,
    '--keep-caps',
    '--net',
    'ip',
    'link',
    'add',
    'nb-probe',
    'type',
    'veth',
    'peer',
    'name',
    'nb-probe1',
  ]);
  return probe.status === 0;
}

/** The gate for a group that needs only root (files given away, users switched), not the lab. */
export function rootGate(): Gate {
  return gate(isRoot ? undefined : 'needs root: run the tests as root (sudo npm test)');
}
