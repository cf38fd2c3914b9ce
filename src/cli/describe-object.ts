// `describe` text per kind: the fields a learner needs when hunting a network
// fault (selectors, endpoints, ports, policy rules), in kubectl's layout.
import type {
  V1DaemonSetSpec,
  V1DeploymentSpec,
  V1DeploymentStatus,
  V1EndpointSubset,
  V1LabelSelector,
  V1NetworkPolicyPeer,
  V1NetworkPolicyPort,
  V1NetworkPolicySpec,
  V1PodSpec,
  V1PodStatus,
  V1ServiceSpec,
} from '@kubernetes/client-node';
import YAML from 'yaml';
import type { KubeObject } from '../k8s/objects.js';

const kv = (m: Record<string, string> | undefined) => {
  const entries = Object.entries(m ?? {});
  return entries.length ? entries.map(([k, v]) => `${k}=${v}`).join(',') : '<none>';
};

function peerText(peer: V1NetworkPolicyPeer): string {
  const parts: string[] = [];
  if (peer.ipBlock) parts.push(`IPBlock: CIDR ${peer.ipBlock.cidr}${peer.ipBlock.except?.length ? ` Except: ${peer.ipBlock.except.join(', ')}` : ''}`);
  if (peer.namespaceSelector) parts.push(`NamespaceSelector: ${selector(peer.namespaceSelector)}`);
  if (peer.podSelector) parts.push(`PodSelector: ${selector(peer.podSelector)}`);
  return parts.join('\n        ');
}

function selector(sel: V1LabelSelector | undefined): string {
  const parts = Object.entries(sel?.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`);
  for (const e of sel?.matchExpressions ?? []) parts.push(`${e.key} ${e.operator} (${(e.values ?? []).join(',')})`);
  return parts.length ? parts.join(',') : '<none> (Allowing all pods)';
}

/** An ingress rule (`from`) or an egress rule (`to`): the two share a layout. */
type PolicyRule = { ports?: V1NetworkPolicyPort[]; from?: V1NetworkPolicyPeer[]; to?: V1NetworkPolicyPeer[] };

function policyLines(o: KubeObject): string[] {
  const spec = (o.spec ?? {}) as V1NetworkPolicySpec;
  const types: string[] = spec.policyTypes ?? ['Ingress', ...(spec.egress ? ['Egress'] : [])];
  const lines = [
    'Spec:',
    `  PodSelector:     ${selector(spec.podSelector).replace(' (Allowing all pods)', ' (Allowing the specific traffic to all pods in this namespace)')}`,
  ];
  const section = (title: string, rules: PolicyRule[] | undefined, peerKey: 'from' | 'to', isolated: boolean) => {
    lines.push(`  Allowing ${title} traffic:`);
    if (!rules || rules.length === 0) {
      lines.push(isolated ? `    <none> (Selected pods are isolated for ${title} connectivity)` : `    <none> (${title} is not isolated)`);
      return;
    }
    rules.forEach((rule, i) => {
      if (i > 0) lines.push('    ----------');
      const ports = (rule.ports ?? []).map((p) => `${p.port ?? '<any>'}${p.endPort ? `-${p.endPort}` : ''}/${p.protocol ?? 'TCP'}`);
      lines.push(`    ${peerKey === 'from' ? 'To' : 'To'} Port: ${ports.length ? ports.join(', ') : '<any> (traffic allowed to all ports)'}`);
      const peers = rule[peerKey] ?? [];
      lines.push(`    ${peerKey === 'from' ? 'From' : 'To'}:`);
      if (peers.length === 0) lines.push(`      <any> (traffic not restricted by ${peerKey === 'from' ? 'source' : 'destination'})`);
      for (const p of peers) lines.push(`      ${peerText(p)}`);
    });
  };
  section('ingress', spec.ingress, 'from', types.includes('Ingress'));
  section('egress', spec.egress, 'to', types.includes('Egress'));
  lines.push(`  Policy Types: ${types.join(', ')}`);
  return lines;
}

export function describeObject(o: KubeObject, related: { endpoints?: KubeObject; pods?: KubeObject[] }): string {
  const lines = [
    `Name:         ${o.metadata.name}`,
    ...(o.metadata.namespace ? [`Namespace:    ${o.metadata.namespace}`] : []),
    `Labels:       ${kv(o.metadata.labels)}`,
    `Annotations:  ${kv(o.metadata.annotations)}`,
  ];
  switch (o.kind) {
    case 'Service': {
      const spec = (o.spec ?? {}) as V1ServiceSpec;
      lines.push(`Selector:     ${kv(spec.selector)}`, `Type:         ${spec.type}`, `IP:           ${spec.clusterIP}`);
      for (const p of spec.ports ?? []) {
        lines.push(`Port:         ${p.name ?? '<unset>'}  ${p.port}/${p.protocol}`, `TargetPort:   ${p.targetPort}/${p.protocol}`);
        if (p.nodePort) lines.push(`NodePort:     ${p.name ?? '<unset>'}  ${p.nodePort}/${p.protocol}`);
      }
      const subsets = (related.endpoints?.subsets ?? []) as V1EndpointSubset[];
      const eps = subsets.flatMap((s) => (s.addresses ?? []).flatMap((a) => (s.ports ?? []).map((p) => `${a.ip}:${p.port}`)));
      lines.push(`Endpoints:    ${eps.length ? eps.join(',') : '<none>'}`);
      break;
    }
    case 'Pod': {
      const spec = (o.spec ?? {}) as Partial<V1PodSpec>;
      const status = (o.status ?? {}) as V1PodStatus;
      lines.push(
        `Node:         ${spec.nodeName ?? '<none>'}/${status.hostIP ?? ''}`,
        `Status:       ${status.phase}`,
        `IP:           ${status.podIP ?? '<none>'}`,
      );
      lines.push('Containers:');
      for (const c of spec.containers ?? []) {
        lines.push(`  ${c.name}:`, `    Image:      ${c.image ?? '<none>'}`);
        if (c.args) lines.push(`    Args:       ${c.args.join(' ')}`);
        for (const p of c.ports ?? []) lines.push(`    Port:       ${p.containerPort}/${p.protocol ?? 'TCP'}${p.name ? ` (${p.name})` : ''}`);
        if (c.readinessProbe) lines.push(`    Readiness:  ${JSON.stringify(c.readinessProbe)}`);
      }
      lines.push('Conditions:', ...(status.conditions ?? []).map((c) => `  ${c.type.padEnd(16)} ${c.status}`));
      lines.push(`DNS Policy:   ${spec.dnsPolicy ?? 'ClusterFirst'}`);
      break;
    }
    case 'NetworkPolicy':
      lines.push(...policyLines(o));
      break;
    case 'Deployment':
    case 'DaemonSet': {
      const spec = (o.spec ?? {}) as Partial<V1DeploymentSpec | V1DaemonSetSpec>;
      lines.push(`Selector:     ${selector(spec.selector)}`);
      if (o.kind === 'Deployment') {
        const status = (o.status ?? {}) as V1DeploymentStatus;
        lines.push(`Replicas:     ${(spec as Partial<V1DeploymentSpec>).replicas} desired | ${status.readyReplicas ?? 0} ready`);
      }
      lines.push(`Pods:         ${(related.pods ?? []).map((p) => p.metadata.name).join(', ') || '<none>'}`);
      lines.push(
        'Pod Template:',
        ...YAML.stringify(spec.template)
          .trimEnd()
          .split('\n')
          .map((l) => `  ${l}`),
      );
      break;
    }
    default:
      lines.push(
        ...YAML.stringify(Object.fromEntries(Object.entries(o).filter(([k]) => !['apiVersion', 'kind', 'metadata'].includes(k))))
          .trimEnd()
          .split('\n'),
      );
  }
  return lines.join('\n');
}
