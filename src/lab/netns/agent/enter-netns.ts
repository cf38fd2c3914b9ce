// Moves the calling thread into a network namespace with setns(2). A lab's pods
// run as threads of its supervisor (pod-runtime.ts), one per pod, so each pod
// thread enters its pod's namespace once, before it opens any socket: every
// socket it opens afterwards lives there, as a container's would. setns with
// CLONE_NEWNET changes only the calling thread, and the kernel allows it in a
// multi-threaded process. Node has no binding for it, so koffi (a prebuilt
// foreign function interface) calls libc's.
import fs from 'node:fs';
import { createRequire } from 'node:module';

const CLONE_NEWNET = 0x40000000;

type Setns = (fd: number, nstype: number) => number;

function loadSetns(): Setns {
  // koffi is CommonJS; loaded only in pod threads, which need it.
  const koffi = createRequire(import.meta.url)('koffi') as typeof import('koffi');
  // null: the symbols already in the process, that is the C library Node runs on (glibc or musl).
  return koffi.load(null).func('int setns(int fd, int nstype)') as Setns;
}

/** Throws, naming the namespace, when the thread cannot enter it: a pod must never run in its supervisor's namespace. */
export function enterNetns(netnsPath: string): void {
  const fd = fs.openSync(netnsPath, 'r');
  try {
    if (loadSetns()(fd, CLONE_NEWNET) !== 0) throw new Error(`setns(2) into ${netnsPath} failed: entering a network namespace needs root (CAP_SYS_ADMIN)`);
  } finally {
    fs.closeSync(fd);
  }
}
