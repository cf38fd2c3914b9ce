import { describe, expect, it } from 'vitest';
import { describeObject } from '../../src/cli/describe-object.js';
import type { KubeObject } from '../../src/k8s/objects.js';

const policy = (name: string, spec: Record<string, unknown>): KubeObject => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'NetworkPolicy',
  metadata: { name, namespace: 'shop' },
  spec,
});
/** The lines after `Spec:`, trimmed of the two-space base indent kubectl uses. */
const specLines = (o: KubeObject) => {
  const lines = describeObject(o, {}).split('\n');
  return lines.slice(lines.indexOf('Spec:') + 1);
};

describe('describe NetworkPolicy', () => {
  it('a default-deny ingress policy says its pods are isolated for ingress and egress is not affected', () => {
    const text = describeObject(policy('default-deny', { podSelector: {}, policyTypes: ['Ingress'] }), {});
    expect(text).toContain('Name:         default-deny\nNamespace:    shop');
    expect(specLines(policy('default-deny', { podSelector: {}, policyTypes: ['Ingress'] }))).toEqual([
      '  PodSelector:     <none> (Allowing the specific traffic to all pods in this namespace)',
      '  Allowing ingress traffic:',
      '    <none> (Selected pods are isolated for ingress connectivity)',
      '  Allowing egress traffic:',
      '    <none> (egress is not isolated)',
      '  Policy Types: Ingress',
    ]);
  });

  it('a default-deny egress policy isolates egress and leaves ingress alone', () => {
    const lines = specLines(policy('deny-egress', { podSelector: { matchLabels: { app: 'frontend' } }, policyTypes: ['Egress'] }));
    expect(lines[0]).toBe('  PodSelector:     app=frontend');
    expect(lines).toContain('    <none> (ingress is not isolated)');
    expect(lines).toContain('    <none> (Selected pods are isolated for egress connectivity)');
    expect(lines.at(-1)).toBe('  Policy Types: Egress');
  });

  it('shows the ports and peers of each rule, namespace and pod selectors of one peer together', () => {
    const lines = specLines(
      policy('allow-dns', {
        podSelector: {},
        policyTypes: ['Egress'],
        egress: [
          {
            to: [
              { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } },
            ],
            ports: [
              { port: 53, protocol: 'UDP' },
              { port: 53, protocol: 'TCP' },
            ],
          },
          { to: [{ ipBlock: { cidr: '10.0.0.0/8', except: ['10.96.0.0/16', '10.244.0.0/16'] } }], ports: [{ port: 30000, endPort: 32767 }] },
        ],
      }),
    );
    const egress = lines.slice(lines.indexOf('  Allowing egress traffic:') + 1, -1);
    expect(egress).toEqual([
      '    To Port: 53/UDP, 53/TCP',
      '    To:',
      '      NamespaceSelector: kubernetes.io/metadata.name=kube-system',
      '        PodSelector: k8s-app=kube-dns',
      '    ----------',
      '    To Port: 30000-32767/TCP',
      '    To:',
      '      IPBlock: CIDR 10.0.0.0/8 Except: 10.96.0.0/16, 10.244.0.0/16',
    ]);
  });

  it('a rule without peers or ports allows everything, worded for its direction', () => {
    const lines = specLines(policy('allow-all', { podSelector: {}, ingress: [{}], egress: [{}], policyTypes: ['Ingress', 'Egress'] }));
    expect(lines).toEqual([
      '  PodSelector:     <none> (Allowing the specific traffic to all pods in this namespace)',
      '  Allowing ingress traffic:',
      '    To Port: <any> (traffic allowed to all ports)',
      '    From:',
      '      <any> (traffic not restricted by source)',
      '  Allowing egress traffic:',
      '    To Port: <any> (traffic allowed to all ports)',
      '    To:',
      '      <any> (traffic not restricted by destination)',
      '  Policy Types: Ingress, Egress',
    ]);
  });

  it('without policyTypes, a policy with egress rules covers both directions, as the API server defaults it', () => {
    const lines = specLines(policy('p', { podSelector: {}, egress: [{ ports: [{ port: 53, protocol: 'UDP' }] }] }));
    expect(lines).toContain('    <none> (Selected pods are isolated for ingress connectivity)');
    expect(lines.at(-1)).toBe('  Policy Types: Ingress, Egress');
  });

  it('a peer selecting pods by expression shows the expression', () => {
    const lines = specLines(
      policy('p', { podSelector: {}, ingress: [{ from: [{ podSelector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['web', 'api'] }] } }] }] }),
    );
    expect(lines).toContain('      PodSelector: app In (web,api)');
  });
});

describe('describe Service', () => {
  const svc: KubeObject = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'api', namespace: 'shop', labels: { team: 'shop' } },
    spec: { type: 'ClusterIP', clusterIP: '10.96.3.4', selector: { app: 'api' }, ports: [{ name: 'http', port: 8080, targetPort: 8080, protocol: 'TCP' }] },
  };

  it('shows the selector, ports and the ready endpoints', () => {
    const endpoints: KubeObject = {
      apiVersion: 'v1',
      kind: 'Endpoints',
      metadata: { name: 'api', namespace: 'shop' },
      subsets: [{ addresses: [{ ip: '10.244.1.5' }, { ip: '10.244.2.6' }], ports: [{ port: 8080 }] }],
    };
    const text = describeObject(svc, { endpoints });
    expect(text).toContain('Labels:       team=shop');
    expect(text).toContain('Selector:     app=api');
    expect(text).toContain('IP:           10.96.3.4');
    expect(text).toContain('Port:         http  8080/TCP');
    expect(text).toContain('TargetPort:   8080/TCP');
    expect(text).toContain('Endpoints:    10.244.1.5:8080,10.244.2.6:8080');
  });

  it('shows <none> endpoints when the selector matches nothing ready', () => {
    const endpoints: KubeObject = { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'api', namespace: 'shop' }, subsets: [] };
    expect(describeObject(svc, { endpoints })).toContain('Endpoints:    <none>');
    expect(describeObject(svc, {})).toContain('Endpoints:    <none>');
  });
});

describe('describe Pod', () => {
  it('shows node, IP, container ports and conditions', () => {
    const pod: KubeObject = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'api-1', namespace: 'shop' },
      spec: {
        nodeName: 'worker',
        containers: [{ name: 'api', image: 'agnhost', args: ['netexec', '--http-port=8080'], ports: [{ name: 'http', containerPort: 8080 }] }],
      },
      status: { phase: 'Running', hostIP: '172.18.0.3', podIP: '10.244.1.5', conditions: [{ type: 'Ready', status: 'False' }] },
    };
    const text = describeObject(pod, {});
    expect(text).toContain('Node:         worker/172.18.0.3');
    expect(text).toContain('IP:           10.244.1.5');
    expect(text).toContain('    Args:       netexec --http-port=8080');
    expect(text).toContain('    Port:       8080/TCP (http)');
    expect(text).toContain('  Ready            False');
    expect(text).toContain('DNS Policy:   ClusterFirst');
  });
});
