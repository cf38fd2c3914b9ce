// How the embedded lab names what it creates. Every network namespace starts with
// `nb-<lab>-` and every file lives in the lab's folder (src/lab/state.ts), so
// `netbreak clean` can find all of it after a crash without any other record.
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
    log: path.join(dir, 'supervisor.log'),
    lab: labRecordFile(lab),
    pods: path.join(dir, 'pods'),
  };
};

export function fabricNetns(lab: string): string {
  return `${NETNS_PREFIX}${lab}-fabric`;
}

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

/** Where `ip netns add` pins a namespace: what `nsenter --net=` and setns(2) open. */
export function netnsPath(netns: string): string {
  return path.join('/run/netns', netns);
}

/** `ip netns exec` bind-mounts /etc/netns/<netns>/* over /etc, which is how each pod sees its own resolv.conf. */
export function etcNetnsDir(netns: string): string {
  return path.join('/etc/netns', netns);
}

/**
 * Marks that netbreak created /etc/netns, so the last lab to go removes it again.
 * A fixed path, not under the state folder: labs of different state folders share /etc/netns.
 */
export const ETC_NETNS_MARKER = '/run/netbreak-created-etc-netns';
