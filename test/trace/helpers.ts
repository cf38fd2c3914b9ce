// Captured lab state (objects, routes, iptables-save -c and conntrack -L before and
// after one probe) turned into the input buildTrace gets from collect.ts.
import fs from 'node:fs';
import path from 'node:path';
import { findPod } from '../../src/lab/find-pod.js';
import type { ProbeResult } from '../../src/lab/lab.js';
import type { KubeObject, V1EndpointSlice, V1Namespace, V1NetworkPolicy, V1Service } from '../../src/k8s/objects.js';
import type { NamespaceCounters, RouteEntry, TraceInput } from '../../src/trace/hops.js';
import { kubeProxyNodes, traceNodes, tracePods } from '../../src/trace/inputs.js';

export interface Fixture {
  from: string;
  to: string;
  probe: ProbeResult;
  objects: {
    pods: KubeObject[];
    services: V1Service[];
    endpointSlices: V1EndpointSlice[];
    policies: V1NetworkPolicy[];
    namespaces: V1Namespace[];
    nodes: KubeObject[];
    deployments?: KubeObject[];
  };
  routes: Record<string, RouteEntry[]>;
  counters: NamespaceCounters[];
}

/**
 * Cases, all from the default three-node lab with frontend on worker2:
 * friday-merge (DNAT to the api pod on worker2, dropped there by the policy),
 * friday-merge-solved (delivered to the api pod on worker), after-the-pentest,
 * afternoon-deploy, and hand-drop (solved, plus `iptables -I FORWARD -d <api ip> -j DROP` on each api pod's node).
 */
export function loadFixture(name: string): Fixture {
  return JSON.parse(fs.readFileSync(path.join(import.meta.dirname, 'fixtures', `${name}.json`), 'utf8')) as Fixture;
}

export function traceInput(fixture: Fixture, overrides: Partial<TraceInput> = {}): TraceInput {
  const { objects } = fixture;
  const pods = tracePods(objects.pods, fixture.routes);
  const [ns, name] = fixture.from.split('/') as [string, string];
  const sourceObject = findPod(
    objects.pods.filter((p) => p.metadata.namespace === ns),
    name,
  )!;
  const source = pods.find((p) => p.name === sourceObject.metadata.name)!;
  return {
    from: fixture.from,
    to: fixture.to,
    probe: fixture.probe,
    source,
    pods,
    nodes: traceNodes(objects.nodes),
    services: objects.services,
    endpointSlices: objects.endpointSlices,
    policies: objects.policies,
    namespaces: objects.namespaces,
    counters: fixture.counters,
    routes: fixture.routes,
    kubeProxyNodes: kubeProxyNodes(objects.pods),
    podObjects: objects.pods,
    deployments: objects.deployments ?? [],
    ...overrides,
  };
}
