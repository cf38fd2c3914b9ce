// Name lookups of a pod thread. Node's own dns.lookup runs getaddrinfo on
// libuv's shared thread pool, whose threads never entered the pod's network
// namespace: it would read the host's resolv.conf and ask from the supervisor's
// namespace. A pod's names are resolved as its resolver would instead: its
// /etc/hosts (kubelet writes localhost and the pod's own name), then its
// resolv.conf through the lab's stub resolver.
import dns, { type LookupAddress, type LookupAllOptions, type LookupOneOptions } from 'node:dns';
import fs from 'node:fs';
import net from 'node:net';
import { parseResolvConf, resolveName } from '../dns/resolver.js';

export interface PodIdentity {
  hostname: string;
  ip: string;
  resolvConf: string;
}

type Callback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/** The addresses of `name` as seen from the pod (IPv4: the lab has no IPv6). */
export async function podAddresses(name: string, pod: PodIdentity): Promise<string[]> {
  const bare = name.replace(/\.$/, '');
  if (net.isIP(bare)) return [bare];
  if (bare === 'localhost') return ['127.0.0.1'];
  if (bare === pod.hostname) return [pod.ip];
  const result = await resolveName(bare, { resolvConf: parseResolvConf(fs.readFileSync(pod.resolvConf, 'utf8')) });
  return result.addresses;
}

/** A dns.lookup with the same calling conventions, answering from the pod. */
function podLookup(pod: PodIdentity): typeof dns.lookup {
  const lookup = (hostname: string, options: number | LookupOneOptions | LookupAllOptions | Callback, callback?: Callback) => {
    const done = (typeof options === 'function' ? options : callback)!;
    const all = typeof options === 'object' && options.all === true;
    podAddresses(hostname, pod).then(
      (addresses) => {
        if (addresses.length === 0) {
          done(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND', hostname }), all ? [] : '');
        } else if (all) {
          done(
            null,
            addresses.map((address) => ({ address, family: 4 })),
          );
        } else {
          done(null, addresses[0]!, 4);
        }
      },
      (error: Error) => done(Object.assign(error, { code: 'EAI_AGAIN', hostname }), all ? [] : ''),
    );
  };
  return lookup as unknown as typeof dns.lookup;
}

/** From now on, every lookup of this thread (listen on a name, connect to one) answers from the pod. */
export function usePodLookup(pod: PodIdentity): void {
  dns.lookup = podLookup(pod);
}
