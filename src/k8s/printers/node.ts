// `kubectl get nodes`: STATUS from the Ready condition, ROLES from node-role labels, and the node's system info with -o wide.
import { timestampSince } from './human-duration.js';
import { compare } from './label-selector.js';
import { AGE_COLUMN, column, NAME_COLUMN, type Printer, wideColumn } from './table.js';

interface NodeShape {
  metadata: { labels?: Record<string, string> };
  spec?: { unschedulable?: boolean };
  status?: {
    conditions?: { type: string; status: string }[];
    addresses?: { type: string; address: string }[];
    nodeInfo?: { kubeletVersion?: string; osImage?: string; kernelVersion?: string; containerRuntimeVersion?: string };
  };
}

const ROLE_PREFIX = 'node-role.kubernetes.io/';

/** `Ready`, `NotReady`, `Unknown` (no Ready condition), with `,SchedulingDisabled` for a cordoned node. */
export function nodeStatus(node: NodeShape): string {
  const ready = node.status?.conditions?.find((c) => c.type === 'Ready');
  const status = [ready ? (ready.status === 'True' ? 'Ready' : 'NotReady') : 'Unknown'];
  if (node.spec?.unschedulable) status.push('SchedulingDisabled');
  return status.join(',');
}

/** Roles from `node-role.kubernetes.io/<role>` labels and a `kubernetes.io/role` label, sorted; "<none>" without any. */
export function nodeRoles(node: NodeShape): string {
  const roles = new Set<string>();
  for (const [key, value] of Object.entries(node.metadata.labels ?? {})) {
    if (key.startsWith(ROLE_PREFIX) && key.length > ROLE_PREFIX.length) roles.add(key.slice(ROLE_PREFIX.length));
    else if (key === 'kubernetes.io/role' && value) roles.add(value);
  }
  return [...roles].sort(compare).join(',') || '<none>';
}

function address(node: NodeShape, type: string): string {
  return node.status?.addresses?.find((a) => a.type === type)?.address ?? '<none>';
}

export const nodePrinter: Printer = {
  kind: 'Node',
  columns: [
    NAME_COLUMN,
    column('Status', 'The status of the node'),
    column('Roles', 'The roles of the node'),
    AGE_COLUMN,
    column('Version', 'Kubelet Version reported by the node.'),
    wideColumn('Internal-IP', 'List of addresses reachable to the node.'),
    wideColumn('External-IP', 'List of addresses reachable to the node.'),
    wideColumn('OS-Image', 'OS Image reported by the node from /etc/os-release (e.g. Debian GNU/Linux 7 (wheezy)).'),
    wideColumn('Kernel-Version', "Kernel Version reported by the node from 'uname -r' (e.g. 3.16.0-0.bpo.4-amd64)."),
    wideColumn('Container-Runtime', 'ContainerRuntime Version reported by the node through runtime remote API (e.g. containerd://1.4.2).'),
  ],
  cells(obj, nowMs) {
    const node = obj as unknown as NodeShape;
    const info = node.status?.nodeInfo ?? {};
    return [
      obj.metadata.name,
      nodeStatus(node),
      nodeRoles(node),
      timestampSince(obj.metadata.creationTimestamp, nowMs),
      info.kubeletVersion ?? '',
      address(node, 'InternalIP'),
      address(node, 'ExternalIP'),
      info.osImage || '<unknown>',
      info.kernelVersion || '<unknown>',
      info.containerRuntimeVersion || '<unknown>',
    ];
  },
};
