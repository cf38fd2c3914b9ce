// kube-apiserver's validation of Pods and of the pod templates Deployments,
// ReplicaSets and DaemonSets hold (pkg/apis/core/validation, pkg/apis/apps/validation):
// containers, their names, images and ports, selectors that must match the template.
import { matchesLabelSelector } from '../netpol/selector.js';
import { type FieldError, duplicate, GoLiteral, invalid, notSupported, required } from './field-error.js';
import { dns1123Label, portName, portNumber } from './identifiers.js';
import { validateLabelSelector, validateLabels } from './meta.js';

type Json = Record<string, unknown>;
const asList = (v: unknown): Json[] => (Array.isArray(v) ? (v as Json[]) : []);
const PROTOCOLS = ['SCTP', 'TCP', 'UDP'];
/** An empty selector as upstream prints it (its protobuf String()). */
const EMPTY_SELECTOR = new GoLiteral('&LabelSelector{MatchLabels:map[string]string{},MatchExpressions:[]LabelSelectorRequirement{},}');

export function validatePodSpec(spec: Json | undefined, at: string): FieldError[] {
  const out: FieldError[] = [];
  const containers = asList(spec?.containers);
  if (containers.length === 0) out.push(required(`${at}.containers`));
  const names = new Set<string>();
  for (const list of ['initContainers', 'containers'] as const) {
    asList(spec?.[list]).forEach((c, i) => out.push(...validateContainer(c, names, `${at}.${list}[${i}]`)));
  }
  out.push(...validateLabels(spec?.nodeSelector, `${at}.nodeSelector`));
  return out;
}

function validateContainer(container: Json, names: Set<string>, at: string): FieldError[] {
  const out: FieldError[] = [];
  const name = typeof container?.name === 'string' ? container.name : '';
  if (name === '') out.push(required(`${at}.name`));
  else {
    for (const msg of dns1123Label(name)) out.push(invalid(`${at}.name`, name, msg));
    if (names.has(name)) out.push(duplicate(`${at}.name`, name));
    names.add(name);
  }
  if (typeof container?.image !== 'string' || container.image === '') out.push(required(`${at}.image`));
  const portNames = new Set<string>();
  asList(container?.ports).forEach((port, i) => {
    const where = `${at}.ports[${i}]`;
    const pname = typeof port?.name === 'string' ? port.name : '';
    if (pname !== '') {
      const msgs = portName(pname);
      if (msgs.length > 0) out.push(...msgs.map((msg) => invalid(`${where}.name`, pname, msg)));
      else if (portNames.has(pname)) out.push(duplicate(`${where}.name`, pname));
      else portNames.add(pname);
    }
    const containerPort = port?.containerPort;
    if (containerPort === undefined || containerPort === 0) out.push(required(`${where}.containerPort`));
    else for (const msg of portNumber(Number(containerPort))) out.push(invalid(`${where}.containerPort`, containerPort, msg));
    if (typeof port?.hostPort === 'number' && port.hostPort !== 0) {
      for (const msg of portNumber(port.hostPort)) out.push(invalid(`${where}.hostPort`, port.hostPort, msg));
    }
    const protocol = port?.protocol;
    if (protocol === undefined || protocol === '') out.push(required(`${where}.protocol`));
    else if (!PROTOCOLS.includes(protocol as string)) out.push(notSupported(`${where}.protocol`, protocol, PROTOCOLS));
  });
  return out;
}

/** Deployment, ReplicaSet and DaemonSet: replicas, a selector, and a template it selects. */
export function validateWorkloadSpec(kind: string, spec: Json | undefined): FieldError[] {
  const out: FieldError[] = [];
  if (kind !== 'DaemonSet' && typeof spec?.replicas === 'number' && spec.replicas < 0) {
    out.push(invalid('spec.replicas', spec.replicas, 'must be greater than or equal to 0'));
  }
  const selector = spec?.selector as { matchLabels?: Json; matchExpressions?: unknown[] } | undefined;
  const template = spec?.template as { metadata?: { labels?: Record<string, string> }; spec?: Json } | undefined;
  let selectorValid = false;
  if (!selector) out.push(required('spec.selector'));
  else {
    const problems = validateLabelSelector(selector, 'spec.selector');
    out.push(...problems);
    selectorValid = problems.length === 0;
    if (Object.keys(selector.matchLabels ?? {}).length + (selector.matchExpressions?.length ?? 0) === 0) {
      out.push(invalid('spec.selector', EMPTY_SELECTOR, `empty selector is invalid for ${kind.toLowerCase()}`));
      selectorValid = false;
    }
  }
  if (!template) return [...out, required('spec.template')];
  const labels = template.metadata?.labels ?? {};
  if (selector && selectorValid && !matchesLabelSelector(selector as never, labels)) {
    out.push(invalid('spec.template.metadata.labels', labels, '`selector` does not match template `labels`'));
  }
  out.push(...validateLabels(labels, 'spec.template.metadata.labels'));
  out.push(...validatePodSpec(template.spec, 'spec.template.spec'));
  const restartPolicy = template.spec?.restartPolicy;
  if (restartPolicy !== undefined && restartPolicy !== 'Always') {
    out.push(notSupported('spec.template.spec.restartPolicy', restartPolicy, ['Always']));
  }
  return out;
}
