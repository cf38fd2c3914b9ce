// What the kubelet (pod-runtime.ts) and a pod's thread (pod-thread.ts) agree on.
// A file of its own: importing pod-thread.ts runs the pod.
import type { ReadinessProbe } from './readiness.js';

export interface PodThreadOptions {
  /** namespace/name */
  pod: string;
  /** What the container sees as its host name: the node's for a hostNetwork pod, else the pod's name. */
  hostname?: string;
  ip: string;
  /** /run/netns/<name>: the namespace the thread enters before opening any socket. */
  netnsPath: string;
  /** The pod's resolv.conf as kubelet wrote it (in the lab's state folder, see names.ts podEtcFiles). */
  resolvConf: string;
  control: string;
  tcpPorts: number[];
  udpPorts: number[];
  readiness?: ReadinessProbe;
  /** CoreDNS pods: the projected Corefile on the host, the path CoreDNS was given (-conf), and the lab's store. */
  dns?: { corefile: string; corefileName: string; store: string };
  listen: string;
  porter?: Record<string, string>;
}

/** Sent to the kubelet once the application and the control socket listen. */
export const LISTENING = 'listening';
