import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { admit, AdmissionError, InvalidObjectError } from '../../../src/lab/netns/admission.js';
import { ObjectStore } from '../../../src/lab/netns/store.js';
import { buildTopology } from '../../../src/lab/netns/topology.js';
import type { KubeObject } from '../../../src/k8s/objects.js';

const topology = buildTopology(['control-plane', 'worker', 'worker']);
let dir: string;
let store: ObjectStore;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netbreak-admission-'));
  store = new ObjectStore(path.join(dir, 'store.json'));
  for (const name of ['default', 'kube-system', 'shop']) store.put(admit(store, topology, { apiVersion: 'v1', kind: 'Namespace', metadata: { name } }));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Admits and stores, as the supervisor's apply does. */
const create = (obj: KubeObject) => store.put(admit(store, topology, obj));

function service(name: string, spec: Record<string, unknown> = {}, namespace = 'shop'): KubeObject {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace }, spec: { selector: { app: name }, ports: [{ port: 80 }], ...spec } };
}
const specOf = (o: KubeObject) => o.spec as any;

describe('namespaces', () => {
  it('refuses an object in a namespace that does not exist, saying to create it', () => {
    expect(() => admit(store, topology, service('api', {}, 'missing'))).toThrow(AdmissionError);
    expect(() => admit(store, topology, service('api', {}, 'missing'))).toThrow('namespaces "missing" not found (create the Namespace first)');
  });

  it('puts an object without a namespace in default', () => {
    const obj = admit(store, topology, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' }, data: {} });
    expect(obj.metadata.namespace).toBe('default');
  });

  it('labels a Namespace with its name, as policies select namespaces by it', () => {
    const ns = admit(store, topology, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team', labels: { env: 'dev' } } });
    expect(ns.metadata.labels).toEqual({ env: 'dev', 'kubernetes.io/metadata.name': 'team' });
  });

  it('does not change the object it was given', () => {
    const input = service('api');
    const copy = structuredClone(input);
    admit(store, topology, input);
    expect(input).toEqual(copy);
  });
});

describe('Services', () => {
  it('defaults type ClusterIP, protocol TCP and targetPort to the port', () => {
    const svc = create(
      service('api', {
        ports: [
          { name: 'http', port: 8080 },
          { name: 'dns', port: 53, protocol: 'UDP', targetPort: 'dns' },
        ],
      }),
    );
    expect(specOf(svc).type).toBe('ClusterIP');
    expect(specOf(svc).ports).toEqual([
      { name: 'http', port: 8080, protocol: 'TCP', targetPort: 8080 },
      { name: 'dns', port: 53, protocol: 'UDP', targetPort: 'dns' },
    ]);
  });

  it('allocates a unique ClusterIP in the service subnet, never the kube-dns address', () => {
    const ips = new Set<string>();
    for (let i = 0; i < 40; i++) {
      const ip = specOf(create(service(`s${i}`))).clusterIP as string;
      expect(ip).toMatch(/^10\.96\.\d+\.\d+$/);
      expect(ip).not.toMatch(/\.(0|255)$/);
      expect(ip).not.toBe(topology.dnsServiceIP);
      ips.add(ip);
    }
    expect(ips.size).toBe(40);
  });

  it('keeps the ClusterIP when the Service is re-applied without one, and lists it in clusterIPs', () => {
    const first = specOf(create(service('api'))).clusterIP;
    const again = create(service('api', { selector: { app: 'api-v2' } }));
    expect(specOf(again).clusterIP).toBe(first);
    expect(specOf(again).clusterIPs).toEqual([first]);
  });

  it('refuses to change the ClusterIP of an existing Service', () => {
    const ip = specOf(create(service('api'))).clusterIP as string;
    const other = ip === '10.96.1.1' ? '10.96.1.2' : '10.96.1.1';
    expect(() => admit(store, topology, service('api', { clusterIP: other }))).toThrow('Service "api" is invalid: spec.clusterIP: field is immutable');
  });

  it('honours a requested ClusterIP that is free, the kube-dns address included', () => {
    expect(specOf(create(service('kube-dns', { clusterIP: '10.96.0.10' }, 'kube-system'))).clusterIP).toBe('10.96.0.10');
  });

  it('refuses a requested ClusterIP another Service already has', () => {
    create(service('kube-dns', { clusterIP: '10.96.0.10' }, 'kube-system'));
    expect(() => admit(store, topology, service('impostor', { clusterIP: '10.96.0.10' }))).toThrow(AdmissionError);
    expect(() => admit(store, topology, service('impostor', { clusterIP: '10.96.0.10' }))).toThrow(/spec\.clusterIP.*10\.96\.0\.10.*already allocated/);
    // The owner itself may be re-applied with its own address.
    expect(specOf(create(service('kube-dns', { clusterIP: '10.96.0.10' }, 'kube-system'))).clusterIP).toBe('10.96.0.10');
  });

  it('headless Services share clusterIP None', () => {
    create(service('a', { clusterIP: 'None' }));
    expect(specOf(create(service('b', { clusterIP: 'None' }))).clusterIP).toBe('None');
  });

  it('gives NodePort Services a unique node port per port in 30000-32767, kept on re-apply', () => {
    const seen = new Set<number>();
    for (let i = 0; i < 20; i++) {
      const svc = create(
        service(`np${i}`, {
          type: 'NodePort',
          ports: [
            { name: 'a', port: 80 },
            { name: 'b', port: 443 },
          ],
        }),
      );
      for (const p of specOf(svc).ports) {
        expect(p.nodePort).toBeGreaterThanOrEqual(30000);
        expect(p.nodePort).toBeLessThanOrEqual(32767);
        expect(seen.has(p.nodePort)).toBe(false);
        seen.add(p.nodePort);
      }
    }
    const before = specOf(store.get({ kind: 'Service', namespace: 'shop', name: 'np3' })!).ports.map((p: any) => p.nodePort);
    const again = create(
      service('np3', {
        type: 'NodePort',
        ports: [
          { name: 'a', port: 80 },
          { name: 'b', port: 443 },
        ],
      }),
    );
    expect(specOf(again).ports.map((p: any) => p.nodePort)).toEqual(before);
  });

  it('keeps a node port the Service asked for', () => {
    const svc = create(service('web', { type: 'NodePort', ports: [{ port: 80, nodePort: 30080 }] }));
    expect(specOf(svc).ports[0].nodePort).toBe(30080);
  });

  it('ClusterIP Services get no node port, ExternalName Services no ClusterIP', () => {
    expect(specOf(create(service('api'))).ports[0].nodePort).toBeUndefined();
    const ext = create(service('ext', { type: 'ExternalName', externalName: 'example.com', selector: undefined }));
    expect(specOf(ext).clusterIP).toBeUndefined();
  });
});

describe('other kinds', () => {
  it('defaults a Deployment to one replica but keeps an explicit zero', () => {
    const template = { metadata: { labels: { app: 'a' } }, spec: { containers: [{ name: 'c', image: 'agnhost' }] } };
    const d = (name: string, spec: Record<string, unknown>): KubeObject => ({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name, namespace: 'shop' },
      spec: { selector: { matchLabels: { app: 'a' } }, template, ...spec },
    });
    expect(specOf(admit(store, topology, d('a', {}))).replicas).toBe(1);
    expect(specOf(admit(store, topology, d('b', { replicas: 0 }))).replicas).toBe(0);
    expect(specOf(admit(store, topology, d('c', { replicas: 3 }))).replicas).toBe(3);
  });

  it("defaults a pod template's container port protocol to TCP, as kube-apiserver does before it validates", () => {
    const deployment: KubeObject = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: 'shop' },
      spec: {
        selector: { matchLabels: { app: 'web' } },
        template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'agnhost', ports: [{ containerPort: 8080 }] }] } },
      },
    };
    expect(specOf(admit(store, topology, deployment)).template.spec.containers[0].ports).toEqual([{ containerPort: 8080, protocol: 'TCP' }]);
  });

  it('refuses an invalid NetworkPolicy naming the field, as kube-apiserver words it', () => {
    const policy: KubeObject = {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'bad', namespace: 'shop' },
      spec: { podSelector: {}, ingress: [{ from: [{ ipBlock: { cidr: '10.0.0.300/8' } }] }] },
    };
    expect(() => admit(store, topology, policy)).toThrow(InvalidObjectError);
    expect(() => admit(store, topology, policy)).toThrow(
      'NetworkPolicy.networking.k8s.io "bad" is invalid: spec.ingress[0].from[0].ipBlock.cidr: Invalid value: "10.0.0.300/8": must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)',
    );
  });

  it('accepts a valid NetworkPolicy unchanged', () => {
    const policy: KubeObject = {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'ok', namespace: 'shop' },
      spec: { podSelector: { matchLabels: { app: 'api' } }, policyTypes: ['Egress'], egress: [{ ports: [{ port: 53, protocol: 'UDP' }] }] },
    };
    expect(admit(store, topology, policy).spec).toEqual(policy.spec);
  });

  it('a new Pod starts Pending with TCP as the default container port protocol', () => {
    const pod = admit(store, topology, {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'client', namespace: 'shop' },
      spec: { containers: [{ name: 'c', image: 'agnhost', ports: [{ containerPort: 80 }, { containerPort: 53, protocol: 'UDP' }] }] },
    });
    expect(pod.status).toEqual({ phase: 'Pending' });
    expect((pod.spec as any).containers[0].ports).toEqual([
      { containerPort: 80, protocol: 'TCP' },
      { containerPort: 53, protocol: 'UDP' },
    ]);
  });

  it('re-applying a running Pod (say, to change its labels) keeps the status the kubelet reported', () => {
    const pod: KubeObject = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'client', namespace: 'shop', labels: { app: 'client' } },
      spec: { containers: [{ name: 'c', image: 'agnhost' }] },
    };
    const stored = create(pod);
    const running = { phase: 'Running', podIP: '10.244.1.5', conditions: [{ type: 'Ready', status: 'True' }] };
    store.put({ ...stored, status: running });
    const relabelled = admit(store, topology, { ...pod, metadata: { ...pod.metadata, labels: { app: 'other' } } });
    expect(relabelled.status).toEqual(running);
  });
});
