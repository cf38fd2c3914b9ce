import { describe, expect, it } from 'vitest';
import type { PodSpec } from '../../../src/lab/netns/controllers/workloads.js';
import { systemObjects } from '../../../src/lab/netns/system-objects.js';
import { buildTopology } from '../../../src/lab/netns/topology.js';
import { planAgent } from '../../../src/lab/netns/workload.js';

const AGNHOST = 'registry.k8s.io/e2e-test-images/agnhost:2.53';
const container = (c: Partial<PodSpec['containers'][number]> & Record<string, unknown>) => ({ name: 'app', ...c });

describe('planAgent: agnhost netexec', () => {
  it('serves netexec on 8080/tcp and 8081/udp by default', () => {
    expect(planAgent({ containers: [container({ image: AGNHOST, args: ['netexec'] })] })).toMatchObject({ tcpPorts: [8080], udpPorts: [8081] });
  });

  it('reads --http-port and --udp-port in both flag forms, from command or args', () => {
    expect(planAgent({ containers: [container({ image: AGNHOST, args: ['netexec', '--http-port=9376', '--udp-port', '5353'] })] })).toMatchObject({
      tcpPorts: [9376],
      udpPorts: [5353],
    });
    expect(planAgent({ containers: [container({ image: AGNHOST, command: ['/agnhost', 'netexec', '--http-port', '80'] })] })).toMatchObject({
      tcpPorts: [80],
      udpPorts: [8081],
    });
  });

  it('--udp-port=-1 turns the UDP server off', () => {
    expect(planAgent({ containers: [container({ image: AGNHOST, args: ['netexec', '--http-port=9090', '--udp-port=-1'] })] })).toMatchObject({
      tcpPorts: [9090],
      udpPorts: [],
    });
  });

  it('an agnhost without netexec serves its declared container ports', () => {
    const plan = planAgent({
      containers: [container({ image: AGNHOST, args: ['pause'], ports: [{ containerPort: 80 }, { containerPort: 53, protocol: 'UDP' }] })],
    });
    expect(plan).toMatchObject({ tcpPorts: [80], udpPorts: [53] });
  });
});

describe('planAgent: coredns', () => {
  it("maps kubeadm's coredns -conf to the ConfigMap volume mounted there", () => {
    const coredns = systemObjects(buildTopology(['control-plane', 'worker'])).find((o) => o.kind === 'Deployment' && o.metadata.name === 'coredns')!;
    const plan = planAgent((coredns.spec as any).template.spec);
    expect(plan?.dns).toEqual({ volume: 'config-volume', file: 'Corefile' });
    expect(plan?.tcpPorts).toEqual([]);
  });

  it('follows a -conf=path into whichever mount holds it', () => {
    const plan = planAgent({
      containers: [
        container({
          image: 'registry.k8s.io/coredns/coredns:v1.11.3',
          args: ['-conf=/etc/custom/dns/my.conf'],
          volumeMounts: [
            { name: 'other', mountPath: '/etc/coredns' },
            { name: 'custom', mountPath: '/etc/custom/dns/' },
          ],
        }),
      ],
    });
    expect(plan?.dns).toEqual({ volume: 'custom', file: 'my.conf' });
  });
});

describe('planAgent: other pods', () => {
  it('serves the declared container ports of every container by protocol', () => {
    const plan = planAgent({
      containers: [
        container({ image: 'nginx', ports: [{ containerPort: 80 }] }),
        {
          name: 'dns',
          image: 'x',
          ports: [
            { containerPort: 53, protocol: 'UDP' },
            { containerPort: 53, protocol: 'TCP' },
          ],
        },
      ],
    });
    expect(plan).toMatchObject({ tcpPorts: [80, 53], udpPorts: [53] });
  });

  it("serves a host-network pod like any other (kubelet starts its container in the node's namespace)", () => {
    expect(planAgent({ hostNetwork: true, containers: [container({ image: AGNHOST, args: ['netexec', '--http-port=9100'] })] })).toMatchObject({
      tcpPorts: [9100],
    });
  });

  it("runs nothing for kube-proxy (the supervisor's node agent plays it) or pods without containers", () => {
    const kubeProxy = systemObjects(buildTopology(['control-plane', 'worker'])).find((o) => o.kind === 'DaemonSet' && o.metadata.name === 'kube-proxy')!;
    const spec = (kubeProxy.spec as { template: { spec: PodSpec } }).template.spec;
    expect(spec.hostNetwork).toBe(true);
    expect(planAgent(spec)).toBeUndefined();
    expect(planAgent({ containers: [] })).toBeUndefined();
  });
});

describe('planAgent: readiness probe', () => {
  it('resolves named ports the way kubelet does, without changing the pod spec', () => {
    const probe = { httpGet: { path: '/healthz', port: 'http' }, periodSeconds: 1 };
    const spec: PodSpec = {
      containers: [container({ image: AGNHOST, args: ['netexec'], ports: [{ name: 'http', containerPort: 8080 }], readinessProbe: probe })],
    };
    expect(planAgent(spec)?.readinessProbe).toEqual({ httpGet: { path: '/healthz', port: 8080 }, periodSeconds: 1 });
    expect(probe.httpGet.port).toBe('http');
  });

  it('resolves a tcpSocket named port and keeps numeric ports', () => {
    const ports = [{ name: 'dns-tcp', containerPort: 53 }];
    expect(planAgent({ containers: [container({ image: 'x', ports, readinessProbe: { tcpSocket: { port: 'dns-tcp' } } })] })?.readinessProbe).toEqual({
      tcpSocket: { port: 53 },
    });
    expect(planAgent({ containers: [container({ image: 'x', ports, readinessProbe: { tcpSocket: { port: 9000 } } })] })?.readinessProbe).toEqual({
      tcpSocket: { port: 9000 },
    });
  });

  it('has no readiness probe when the container declares none', () => {
    expect(planAgent({ containers: [container({ image: AGNHOST, args: ['netexec'] })] })?.readinessProbe).toBeUndefined();
  });
});

describe('planAgent: Python dev servers bind 127.0.0.1 unless told otherwise', () => {
  const PY = 'python:3.12-slim';
  it('flask run listens on 127.0.0.1:5000 by default, --host/--port or FLASK_RUN_* move it', () => {
    expect(planAgent({ containers: [container({ image: PY, command: ['flask', 'run'] })] })).toMatchObject({
      tcpPorts: [5000],
      udpPorts: [],
      listen: '127.0.0.1',
    });
    expect(
      planAgent({ containers: [container({ image: PY, command: ['flask', '--app', 'api', 'run'], args: ['--host=0.0.0.0', '--port', '8080'] })] }),
    ).toMatchObject({ tcpPorts: [8080], listen: '0.0.0.0' });
    expect(
      planAgent({
        containers: [
          container({
            image: PY,
            command: ['python', '-m', 'flask', 'run'],
            env: [
              { name: 'FLASK_RUN_HOST', value: '0.0.0.0' },
              { name: 'FLASK_RUN_PORT', value: '8080' },
            ],
          }),
        ],
      }),
    ).toMatchObject({ tcpPorts: [8080], listen: '0.0.0.0' });
  });

  it('uvicorn and gunicorn default to 127.0.0.1:8000; --bind HOST:PORT and --host are read', () => {
    expect(planAgent({ containers: [container({ image: PY, command: ['uvicorn', 'api:app'] })] })).toMatchObject({ tcpPorts: [8000], listen: '127.0.0.1' });
    expect(planAgent({ containers: [container({ image: PY, command: ['gunicorn', 'api:app'] })] })).toMatchObject({ tcpPorts: [8000], listen: '127.0.0.1' });
    expect(planAgent({ containers: [container({ image: PY, command: ['/usr/local/bin/gunicorn', '-b', '0.0.0.0:8080', 'api:app'] })] })).toMatchObject({
      tcpPorts: [8080],
      listen: '0.0.0.0',
    });
    expect(planAgent({ containers: [container({ image: PY, args: ['uvicorn', 'api:app', '--host', 'localhost', '--port=9000'] })] })).toMatchObject({
      tcpPorts: [9000],
      listen: '127.0.0.1',
    });
  });

  it('agnhost netexec binds every address (no listen override)', () => {
    expect(planAgent({ containers: [container({ image: AGNHOST, args: ['netexec'] })] })?.listen).toBeUndefined();
  });
});

describe('planAgent: agnhost porter', () => {
  it('serves each SERVE_PORT_<n> env var on TCP <n>, with its value as the body', () => {
    const plan = planAgent({
      containers: [
        container({
          image: AGNHOST,
          args: ['porter'],
          env: [
            { name: 'SERVE_PORT_8080', value: '{"products":[]}' },
            { name: 'SERVE_PORT_9090', value: 'ok' },
            { name: 'OTHER', value: 'x' },
          ],
        }),
      ],
    });
    expect(plan).toMatchObject({ tcpPorts: [8080, 9090], udpPorts: [], porter: { '8080': '{"products":[]}', '9090': 'ok' } });
  });
});
