// What every lab cluster has before a scenario adds anything, as kubeadm and kind
// create it: the system namespaces, nodes, CoreDNS (ConfigMap, Deployment,
// kube-dns Service) and kube-proxy (ConfigMap, DaemonSet).
import fs from 'node:fs';
import os from 'node:os';
import type { KubeObject } from '../../k8s/objects.js';
import { SERVED_VERSION } from './api-server/discovery.js';
import type { Topology } from './topology.js';
import { KUBEADM_DEFAULT_COREFILE } from '../../k8s/dns/kubeadm-corefile.js';
import { KUBE_PROXY_CONFIG, kubeProxyConfigText } from '../../k8s/kube-proxy/proxy-mode.js';

const ns = (name: string): KubeObject => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });

/** The lab's nodes run the host's own userland and kernel: `kubectl get nodes -o wide` says which. */
function hostOsImage(): string {
  try {
    return /^PRETTY_NAME="?([^"\n]*)"?$/m.exec(fs.readFileSync('/etc/os-release', 'utf8'))?.[1] ?? 'Linux';
  } catch {
    return 'Linux';
  }
}

export function nodeObjects(topology: Topology): KubeObject[] {
  const nodeInfo = {
    kubeletVersion: SERVED_VERSION.gitVersion,
    osImage: hostOsImage(),
    kernelVersion: os.release(),
    operatingSystem: 'linux',
    architecture: 'amd64',
  };
  return topology.nodes.map((node) => ({
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: node.name,
      labels: {
        'kubernetes.io/hostname': node.name,
        'kubernetes.io/os': 'linux',
        'kubernetes.io/arch': 'amd64',
        ...(node.role === 'control-plane' ? { 'node-role.kubernetes.io/control-plane': '' } : {}),
      },
      annotations: { 'netbreak.dev/index': String(node.index) },
    },
    spec: {
      podCIDR: node.podCIDR,
      podCIDRs: [node.podCIDR],
      ...(node.role === 'control-plane' ? { taints: [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }] } : {}),
    },
    status: {
      addresses: [
        { type: 'InternalIP', address: node.ip },
        { type: 'Hostname', address: node.name },
      ],
      conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady' }],
      nodeInfo,
    },
  }));
}

export function systemObjects(topology: Topology): KubeObject[] {
  const dnsLabels = { 'k8s-app': 'kube-dns' };
  return [
    ns('default'),
    ns('kube-system'),
    ns('kube-public'),
    ns('kube-node-lease'),
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'coredns', namespace: 'kube-system' },
      data: { Corefile: KUBEADM_DEFAULT_COREFILE },
    },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'coredns', namespace: 'kube-system', labels: dnsLabels },
      spec: {
        replicas: 2,
        selector: { matchLabels: dnsLabels },
        template: {
          metadata: { labels: dnsLabels },
          spec: {
            dnsPolicy: 'Default',
            tolerations: [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }],
            containers: [
              {
                name: 'coredns',
                image: 'registry.k8s.io/coredns/coredns:v1.11.3',
                args: ['-conf', '/etc/coredns/Corefile'],
                ports: [
                  { name: 'dns', containerPort: 53, protocol: 'UDP' },
                  { name: 'dns-tcp', containerPort: 53, protocol: 'TCP' },
                  { name: 'metrics', containerPort: 9153, protocol: 'TCP' },
                ],
                readinessProbe: { httpGet: { path: '/ready', port: 8181 }, periodSeconds: 1 },
                volumeMounts: [{ name: 'config-volume', mountPath: '/etc/coredns', readOnly: true }],
              },
            ],
            volumes: [{ name: 'config-volume', configMap: { name: 'coredns', items: [{ key: 'Corefile', path: 'Corefile' }] } }],
          },
        },
      },
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'kube-dns', namespace: 'kube-system', labels: { ...dnsLabels, 'kubernetes.io/name': 'CoreDNS' } },
      spec: {
        selector: dnsLabels,
        clusterIP: topology.dnsServiceIP,
        ports: [
          { name: 'dns', port: 53, protocol: 'UDP', targetPort: 53 },
          { name: 'dns-tcp', port: 53, protocol: 'TCP', targetPort: 53 },
          { name: 'metrics', port: 9153, protocol: 'TCP', targetPort: 9153 },
        ],
      },
    },
    {
      // Where a learner (and `netbreak status`) reads the node's proxy mode, as on a kubeadm cluster.
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: KUBE_PROXY_CONFIG.name, namespace: KUBE_PROXY_CONFIG.namespace, labels: { app: 'kube-proxy' } },
      data: { [KUBE_PROXY_CONFIG.key]: kubeProxyConfigText(topology.kubeProxyMode, topology.podSubnet) },
    },
    {
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: { name: 'kube-proxy', namespace: 'kube-system', labels: { 'k8s-app': 'kube-proxy' } },
      spec: {
        selector: { matchLabels: { 'k8s-app': 'kube-proxy' } },
        template: {
          metadata: { labels: { 'k8s-app': 'kube-proxy' } },
          spec: {
            hostNetwork: true,
            nodeSelector: { 'kubernetes.io/os': 'linux' },
            tolerations: [{ operator: 'Exists' }],
            containers: [
              {
                name: 'kube-proxy',
                image: 'registry.k8s.io/kube-proxy:v1.31.0',
                command: ['/usr/local/bin/kube-proxy', '--config=/var/lib/kube-proxy/config.conf'],
              },
            ],
          },
        },
      },
    },
  ];
}
