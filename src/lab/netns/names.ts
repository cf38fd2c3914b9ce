// How the embedded lab names what it creates. Its network namespaces live in the
// lab's own mount namespace (holder.ts), where their names start with `nb-<lab>-`
// as they did when labs shared the host's /run/netns; every file lives in the
// lab's folder (src/lab/state.ts), so `netbreak clean` can find all of it after a crash.
import { createHash } from 'node:crypto';
import path from 'node:path';
import { labDir, labRecordFile } from '../state.js';

export const NETNS_PREFIX = 'nb-';

export const labFiles = (lab: string) => {
  const dir = labDir(lab);
  return {
    dir,
    store: path.join(dir, 'store.json'),
    socket: path.join(dir, 'supervisor.sock'),
    pid: path.join(dir, 'supervisor.pid'),
    /** The pid of the lab's holder: the process whose namespaces are the lab's (see holder.ts). */
    holder: path.join(dir, 'holder.pid'),
    /** The script that enters the lab (enter-lab.ts), written at start so `--explain` shows a short command. */
    joiner: path.join(dir, 'join-lab.pl'),
    log: path.join(dir, 'supervisor.log'),
    /** kubectl's way into the lab's API server (api-server/): its address, CA and token; the owner's alone. */
    kubeconfig: path.join(dir, 'kubeconfig'),
    lab: labRecordFile(lab),
    pods: path.join(dir, 'pods'),
  };
};

export function nodeNetns(lab: string, node: string): string {
  return `${NETNS_PREFIX}${lab}-node-${node}`;
}

export function podNetns(lab: string, namespace: string, pod: string): string {
  return `${NETNS_PREFIX}${lab}-pod-${namespace}-${pod}`;
}

/** Every namespace of one lab starts with this; `labOfNetns` reverses it. */
export function labNetnsPrefix(lab: string): string {
  return `${NETNS_PREFIX}${lab}-`;
}

/** Node-side interface of a pod's veth: 15 characters at most, stable per pod uid, like kindnet's vethXXXXXXXX. */
export function hostVethName(podUid: string): string {
  return `veth${createHash('sha1').update(podUid).digest('hex').slice(0, 8)}`;
}

/** The pod agent's control socket (a Unix socket path is not bound to a network namespace). */
export function podControlSocket(lab: string, podUid: string): string {
  return path.join(labFiles(lab).pods, `${podUid.slice(0, 8)}.sock`);
}

export function podLogFile(lab: string, namespace: string, pod: string): string {
  return path.join(labFiles(lab).pods, `${namespace}_${pod}.log`);
}

/** Where `ip netns add` pins a namespace, in the lab's own /run: what setns(2) opens from inside the lab. */
export function netnsPath(netns: string): string {
  return path.join('/run/netns', netns);
}

/** The files a pod's commands see as /etc/resolv.conf and /etc/hostname, as kubelet writes them. */
export function podEtcFiles(lab: string, namespace: string, pod: string): { resolvConf: string; hostname: string } {
  const base = path.join(labFiles(lab).pods, `${namespace}_${pod}`);
  return { resolvConf: `${base}.resolv.conf`, hostname: `${base}.hostname` };
}
