// Moves the calling thread into a network namespace with setns(2). A lab's pods
// run as threads of its supervisor (pod-runtime.ts), one per pod, so each pod
// thread enters its pod's namespace once, before it opens any socket: every
// socket it opens afterwards lives there, as a container's would. setns with
// CLONE_NEWNET changes only the calling thread, and the kernel allows it in a
// multi-threaded process. Node has no binding for it, so koffi (a prebuilt
// foreign function interface) calls libc's.
import fs from 'node:fs';
import os from 'node:os';

const CLONE_NEWNET = 0x40000000;

/** setns(2), and the errno it left when it failed. */
interface Setns {
  call(fd: number, nstype: number): number;
  errno(): number;
}

async function loadSetns(): Promise<Setns> {
  // Loaded only where needed: in pod threads, and once by the lab's preflight.
  const { default: koffi } = await import('koffi');
  // null: the symbols already in the process, that is the C library Node runs on (glibc or musl).
  const call = koffi.load(null).func('int setns(int fd, int nstype)') as (fd: number, nstype: number) => number;
  return { call, errno: () => koffi.errno() };
}

/** Why pods could not enter their namespaces on this machine (koffi has no build for it), or undefined when they can. */
export async function setnsUnavailable(): Promise<string | undefined> {
  try {
    await loadSetns();
    return undefined;
  } catch (error) {
    const why = (error as Error).message.split('\n')[0];
    return `the netns lab's pods enter their namespaces with setns(2) through koffi, which does not load on ${process.platform}-${process.arch} here (${why}): reinstall netbreak on this machine so that npm fetches koffi's build for it, or use the kind backend (--backend kind)`;
  }
}

/** Throws, naming the namespace, when the thread cannot enter it: a pod must never run in its supervisor's namespace. */
export async function enterNetns(netnsPath: string): Promise<void> {
  const setns = await loadSetns();
  const fd = fs.openSync(netnsPath, 'r');
  try {
    if (setns.call(fd, CLONE_NEWNET) !== 0) {
      const errno = setns.errno();
      const name = Object.entries(os.constants.errno).find(([, n]) => n === errno)?.[0] ?? `errno ${errno}`;
      const why = name === 'EPERM' ? 'entering a network namespace needs CAP_SYS_ADMIN in its user namespace (the lab supervisor has it)' : name;
      throw new Error(`setns(2) into ${netnsPath} failed: ${why}`);
    }
  } finally {
    fs.closeSync(fd);
  }
}
