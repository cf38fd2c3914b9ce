import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../src/k8s/objects.js';
import { errorBody, errorText } from '../../../src/k8s/validation/field-error.js';
import { validateObject } from '../../../src/k8s/validation/validate.js';

const texts = (obj: KubeObject) => validateObject(obj).map(errorText);
const netpol = (spec: object): KubeObject => ({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'p', namespace: 'shop' }, spec });
const service = (spec: object, name = 'api'): KubeObject => ({ apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: 'shop' }, spec });
const deployment = (spec: object): KubeObject => ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'api', namespace: 'shop' }, spec });

describe('NetworkPolicy validation', () => {
  it('names a bad port, protocol and endPort as kube-apiserver does', () => {
    const errors = texts(netpol({ podSelector: {}, ingress: [{ ports: [{ port: 70000 }, { port: 'HTTP', protocol: 'ICMP' }, { port: 90, endPort: 80 }] }] }));
    expect(errors).toEqual([
      'spec.ingress[0].ports[0].port: Invalid value: 70000: must be between 1 and 65535, inclusive',
      'spec.ingress[0].ports[1].protocol: Unsupported value: "ICMP": supported values: "TCP", "UDP", "SCTP"',
      'spec.ingress[0].ports[1].port: Invalid value: "HTTP": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)',
      'spec.ingress[0].ports[1].port: Invalid value: "HTTP": must contain at least one letter (a-z)',
      'spec.ingress[0].ports[2].endPort: Invalid value: 90: must be greater than or equal to `port`',
    ]);
  });

  it('names bad peers, CIDRs and selectors', () => {
    const errors = texts(
      netpol({
        podSelector: { matchExpressions: [{ key: 'app', operator: 'In' }] },
        egress: [
          {
            to: [
              {},
              { ipBlock: { cidr: '10.0.0.0/33' } },
              { ipBlock: { cidr: '10.0.0.0/8', except: ['11.0.0.0/16'] }, podSelector: {} },
              { namespaceSelector: { matchLabels: { 'bad key!': 'x' } } },
            ],
          },
        ],
        policyTypes: ['Egress', 'Sideways'],
      }),
    );
    expect(errors).toEqual([
      "spec.podSelector.matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'",
      'spec.egress[0].to[0]: Required value: must specify a peer',
      'spec.egress[0].to[1].ipBlock.cidr: Invalid value: "10.0.0.0/33": must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)',
      'spec.egress[0].to[2].ipBlock.except[0]: Invalid value: "11.0.0.0/16": must be a strict subset of `cidr`',
      'spec.egress[0].to[2]: Forbidden: may not specify both ipBlock and another peer',
      "spec.egress[0].to[3].namespaceSelector.matchLabels: Invalid value: \"bad key!\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
      'spec.policyTypes[1]: Unsupported value: "Sideways": supported values: "Ingress", "Egress"',
    ]);
  });

  it("accepts what the lab's scenarios hold", () => {
    expect(
      texts(
        netpol({ podSelector: { matchLabels: { app: 'api' } }, ingress: [{ from: [{ namespaceSelector: {}, podSelector: {} }], ports: [{ port: 'http' }] }] }),
      ),
    ).toEqual([]);
  });
});

describe('names and labels', () => {
  it('checks names the way each kind wants them', () => {
    expect(texts(service({ ports: [{ port: 80, protocol: 'TCP', targetPort: 80 }] }, '1api'))).toEqual([
      "metadata.name: Invalid value: \"1api\": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')",
    ]);
    expect(texts({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'Web_Config' } })[0]).toMatch(
      /^metadata\.name: Invalid value: "Web_Config": a lowercase RFC 1123 subdomain must consist of/,
    );
    expect(texts({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: '' } })).toEqual(['metadata.name: Required value: name or generateName is required']);
    expect(texts({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', labels: { app: 'a'.repeat(64) } } })).toEqual([
      `metadata.labels: Invalid value: "${'a'.repeat(64)}": must be no more than 63 characters`,
    ]);
  });
});

describe('Service validation', () => {
  it('requires ports, names them when there are several, and checks numbers and protocols', () => {
    expect(texts(service({ selector: { app: 'api' } }))).toEqual(['spec.ports: Required value']);
    expect(
      texts(
        service({
          ports: [
            { port: 80, protocol: 'TCP', targetPort: 8080 },
            { name: 'metrics', port: 0, protocol: 'tcp', targetPort: 0 },
          ],
        }),
      ),
    ).toEqual([
      'spec.ports[0].name: Required value',
      'spec.ports[1].port: Invalid value: 0: must be between 1 and 65535, inclusive',
      'spec.ports[1].protocol: Unsupported value: "tcp": supported values: "SCTP", "TCP", "UDP"',
      'spec.ports[1].targetPort: Invalid value: 0: must be between 1 and 65535, inclusive',
    ]);
    expect(texts(service({ type: 'ClusterIP', ports: [{ port: 80, protocol: 'TCP', targetPort: 80, nodePort: 30080 }] }))).toEqual([
      "spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'",
    ]);
  });
});

describe('workload validation', () => {
  it('wants a selector that matches the template, and containers with names and images', () => {
    const errors = texts(
      deployment({
        replicas: -1,
        selector: { matchLabels: { app: 'api' } },
        template: {
          metadata: { labels: { app: 'web' } },
          spec: { containers: [{ name: 'app' }, { name: 'app', image: 'x', ports: [{ containerPort: 0, protocol: 'TCP' }] }] },
        },
      }),
    );
    expect(errors).toEqual([
      'spec.replicas: Invalid value: -1: must be greater than or equal to 0',
      'spec.template.metadata.labels: Invalid value: map[string]string{"app":"web"}: `selector` does not match template `labels`',
      'spec.template.spec.containers[0].image: Required value',
      'spec.template.spec.containers[1].name: Duplicate value: "app"',
      'spec.template.spec.containers[1].ports[0].containerPort: Required value',
    ]);
    expect(texts(deployment({ template: { spec: { containers: [{ name: 'a', image: 'x' }] } } }))).toEqual(['spec.selector: Required value']);
  });

  it('prints a cause body without the field, as a Status cause carries it', () => {
    const [error] = validateObject(
      deployment({
        replicas: -1,
        selector: { matchLabels: { a: 'b' } },
        template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'a', image: 'x' }] } },
      }),
    );
    expect(error!.field).toBe('spec.replicas');
    expect(errorBody(error!)).toBe('Invalid value: -1: must be greater than or equal to 0');
  });
});
