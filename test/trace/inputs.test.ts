import { describe, expect, it } from 'vitest';
import { candidateServices, endpointPods, nodePortServices, traceNodes, tracePods } from '../../src/trace/inputs.js';
import { loadFixture } from './helpers.js';

const f = loadFixture('friday-merge-solved');
const pods = tracePods(f.objects.pods, f.routes);

describe('tracePods', () => {
  it("gives each pod its node, its veth from the node's /32 route, and a short name for files", () => {
    const frontend = pods.find((p) => p.name.startsWith('frontend-'))!;
    expect(frontend).toMatchObject({ namespace: 'shop', ip: '10.244.2.3', node: 'worker2', hostVeth: 'veth86814a24', short: 'frontend' });
    expect(frontend.ports).toEqual([{ name: 'http', containerPort: 8080, protocol: 'TCP' }]);
    // kube-proxy pods run in the host network: no namespace of their own to trace
    expect(pods.some((p) => p.name.startsWith('kube-proxy-'))).toBe(false);
  });
});

describe('candidateServices', () => {
  const names = (host: string, ns = 'shop') => candidateServices(host, ns, f.objects.services).map((s) => `${s.metadata!.namespace}/${s.metadata!.name}`);
  it.each([
    ['api', ['shop/api']],
    ['api.shop', ['shop/api']],
    ['api.shop.svc', ['shop/api']],
    ['api.shop.svc.cluster.local', ['shop/api']],
    ['api.shop.svc.cluster.local.', ['shop/api']],
    ['kube-dns.kube-system', ['kube-system/kube-dns']],
    ['10.96.0.10', ['kube-system/kube-dns']],
    ['nothing', []],
  ])('%s → %j', (host, want) => {
    expect(names(host)).toEqual(want);
  });
  it('endpointPods finds the pods behind them', () => {
    expect(
      endpointPods(candidateServices('api', 'shop', f.objects.services), f.objects.endpointSlices, pods)
        .map((p) => p.name.split('-')[0])
        .sort(),
    ).toEqual(['api', 'api']);
  });
});

describe('nodePortServices', () => {
  const np = loadFixture('etp-local-solved');
  const nodes = traceNodes(np.objects.nodes);
  const names = (host: string, port: number) =>
    nodePortServices(host, port, nodes, np.objects.services).map((s) => `${s.metadata!.namespace}/${s.metadata!.name}`);
  it.each([
    ['worker2', 30443, ['shop/web']],
    ['worker2.', 30443, ['shop/web']],
    ['172.18.0.3', 30443, ['shop/web']],
    ['worker2', 80, []],
    ['web.shop', 30443, []],
  ])('%s:%d → %j', (host, port, want) => {
    expect(names(host, port)).toEqual(want);
  });
});
