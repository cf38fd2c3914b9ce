// Where kube-apiserver sends a pods/proxy or services/proxy request: the `[scheme:]name[:port]`
// of the URL resolved against the stored Pod, or the Service and its Endpoints
// (pkg/registry/core/pod/strategy.go and service/storage ResourceLocation), with the
// Status errors kube-apiserver answers when it cannot.
import net from 'node:net';
import { ApiError, badRequest, notFound } from './api-status.js';
import type { KubeObject } from './objects.js';

export interface ProxyLocation {
  scheme: 'http' | 'https';
  host: string;
  /** A number, or whatever the URL named for a pod (kube-apiserver passes a pod's port through unresolved). */
  port: string;
}

/** 503 ServiceUnavailable, as kube-apiserver's NewServiceUnavailable words it. */
export function serviceUnavailable(message: string): ApiError {
  return new ApiError(503, 'ServiceUnavailable', message);
}

/** utilnet.SplitSchemeNamePort: `name`, `name:port` or `scheme:name:port`, scheme http, https or empty. */
export function splitSchemeNamePort(id: string): { scheme: 'http' | 'https'; name: string; port: string } | undefined {
  const parts = id.split(':');
  if (parts.length > 3) return undefined;
  const [scheme, name, port] = parts.length === 3 ? parts : ['', parts[0]!, parts[1] ?? ''];
  if (!name || !['', 'http', 'https'].includes(scheme!)) return undefined;
  return { scheme: scheme === 'https' ? 'https' : 'http', name, port: port! };
}

/** kube-apiserver proxies only to global unicast addresses: not loopback, link-local, multicast or unspecified. */
function globalUnicast(ip: string | undefined): boolean {
  if (!ip) return false;
  if (net.isIPv6(ip)) return !/^(::1?$|fe[89ab]|ff)/i.test(ip);
  if (!net.isIPv4(ip)) return false;
  const [a, b] = ip.split('.').map(Number) as [number, number];
  return !(a === 0 || a === 127 || (a === 169 && b === 254) || a >= 224);
}

interface PodSpecPorts {
  containers?: { ports?: { containerPort: number }[] }[];
}

/** The address of a pods/proxy request; without a port, the pod's first declared container port (or none: port 80 of http). */
export function podProxyLocation(pod: KubeObject, id: string): ProxyLocation {
  const parsed = splitSchemeNamePort(id)!;
  let port = parsed.port;
  if (!port) {
    const declared = ((pod.spec as PodSpecPorts | undefined)?.containers ?? []).find((c) => c.ports?.length);
    if (declared) port = String(declared.ports![0]!.containerPort);
  }
  const ip = (pod.status as { podIP?: string } | undefined)?.podIP;
  if (!globalUnicast(ip)) throw badRequest('address not allowed');
  return { scheme: parsed.scheme, host: ip!, port: port || (parsed.scheme === 'https' ? '443' : '80') };
}

interface ServicePorts {
  ports?: { name?: string; port: number }[];
}

interface EndpointSubset {
  addresses?: { ip: string; targetRef?: { kind?: string; name?: string; namespace?: string } }[];
  ports?: { name?: string; port: number }[];
}

/**
 * The address of a services/proxy request: a port number is first turned into the Service port's name, then
 * an endpoint with that port name is picked at random among the ready addresses that are pods with that IP.
 * `endpoints` is undefined when the Service has no Endpoints object; `podIPOf` says a referenced pod's IP.
 */
export function serviceProxyLocation(
  service: KubeObject,
  endpoints: KubeObject | undefined,
  id: string,
  podIPOf: (namespace: string, name: string) => string | undefined,
  random: () => number = Math.random,
): ProxyLocation {
  const parsed = splitSchemeNamePort(id)!;
  const name = service.metadata.name;
  let portName = parsed.port;
  if (/^\d+$/.test(portName)) {
    const number = Number(portName);
    const port = ((service.spec as ServicePorts | undefined)?.ports ?? []).find((p) => p.port === number);
    if (!port) throw serviceUnavailable(`no service port ${number} found for service "${name}"`);
    portName = port.name ?? '';
  }
  if (!endpoints) throw notFound({ group: '', plural: 'endpoints' }, name);
  const all = (endpoints as { subsets?: EndpointSubset[] }).subsets ?? [];
  if (all.length === 0) throw serviceUnavailable(`no endpoints available for service "${name}"`);
  const subsets = all.filter((s) => s.addresses?.length);
  const namespace = service.metadata.namespace ?? 'default';
  const start = Math.floor(random() * subsets.length);
  for (let i = 0; i < subsets.length; i++) {
    const subset = subsets[(start + i) % subsets.length]!;
    const port = subset.ports?.find((p) => (p.name ?? '') === portName);
    if (!port) continue;
    const addresses = subset.addresses!;
    const first = Math.floor(random() * addresses.length);
    for (let j = 0; j < addresses.length; j++) {
      const address = addresses[(first + j) % addresses.length]!;
      const ref = address.targetRef;
      // Only addresses that are pods, so the proxy cannot be pointed anywhere by writing an Endpoints object.
      if (ref?.kind !== 'Pod' || podIPOf(ref.namespace ?? namespace, ref.name ?? '') !== address.ip) continue;
      return { scheme: parsed.scheme, host: address.ip, port: String(port.port) };
    }
  }
  throw serviceUnavailable(`no endpoints available for service "${id}"`);
}
