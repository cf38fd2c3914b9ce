// kube-apiserver's validation of a Service's spec (pkg/apis/core/validation ValidateService),
// run after the lab's defaults (protocol TCP, targetPort = port), as upstream runs it.
import { type FieldError, duplicate, forbidden, GoLiteral, invalid, notSupported, required } from './field-error.js';
import { dns1123Label, portName, portNumber } from './identifiers.js';
import { validateLabels } from './meta.js';

type Json = Record<string, unknown>;
const TYPES = ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'];
const PROTOCOLS = ['SCTP', 'TCP', 'UDP'];

export function validateServiceSpec(spec: Json | undefined): FieldError[] {
  const out: FieldError[] = [];
  const type = spec?.type ?? 'ClusterIP';
  const headless = spec?.clusterIP === 'None';
  const ports = Array.isArray(spec?.ports) ? (spec.ports as Json[]) : [];
  if (ports.length === 0 && !headless && type !== 'ExternalName') out.push(required('spec.ports'));
  const names = new Set<string>();
  ports.forEach((port, i) => out.push(...validatePort(port, ports.length > 1, names, `spec.ports[${i}]`)));
  out.push(...validateLabels(spec?.selector, 'spec.selector'));
  if (!TYPES.includes(type as string)) out.push(notSupported('spec.type', type, TYPES));
  ports.forEach((port, i) => {
    const nodePort = port?.nodePort;
    if (typeof nodePort !== 'number' || nodePort === 0) return;
    if (type === 'ClusterIP') out.push(forbidden(`spec.ports[${i}].nodePort`, "may not be used when `type` is 'ClusterIP'"));
    else if (nodePort < 30000 || nodePort > 32767) {
      out.push(invalid(`spec.ports[${i}].nodePort`, nodePort, 'provided port is not in the valid range. The range of valid ports is 30000-32767'));
    }
  });
  const seen = new Set<string>();
  ports.forEach((port, i) => {
    const key = `${port?.protocol}/${port?.port}`;
    if (seen.has(key)) out.push(duplicate(`spec.ports[${i}]`, new GoLiteral(servicePortLiteral(port))));
    seen.add(key);
  });
  return out;
}

/** The key upstream reports a duplicate port with, as Go's %#v prints it. */
function servicePortLiteral(port: Json): string {
  return `core.ServicePort{Name:"", Protocol:${JSON.stringify(port.protocol ?? '')}, AppProtocol:(*string)(nil), Port:${port.port}, TargetPort:intstr.IntOrString{Type:0, IntVal:0, StrVal:""}, NodePort:0}`;
}

function validatePort(port: Json, requireName: boolean, names: Set<string>, at: string): FieldError[] {
  const out: FieldError[] = [];
  const name = typeof port?.name === 'string' ? port.name : '';
  if (requireName && name === '') out.push(required(`${at}.name`));
  else if (name !== '') {
    for (const msg of dns1123Label(name)) out.push(invalid(`${at}.name`, name, msg));
    if (names.has(name)) out.push(duplicate(`${at}.name`, name));
    else names.add(name);
  }
  for (const msg of portNumber(Number(port?.port ?? 0))) out.push(invalid(`${at}.port`, port?.port ?? 0, msg));
  const protocol = port?.protocol;
  if (protocol === undefined || protocol === '') out.push(required(`${at}.protocol`));
  else if (!PROTOCOLS.includes(protocol as string)) out.push(notSupported(`${at}.protocol`, protocol, PROTOCOLS));
  out.push(...validatePortNumberOrName(port?.targetPort, `${at}.targetPort`));
  return out;
}

/** An int-or-string port: a number in range, or an IANA service name. */
export function validatePortNumberOrName(port: unknown, at: string): FieldError[] {
  if (port === undefined || port === null) return [];
  if (typeof port === 'number') return portNumber(port).map((msg) => invalid(at, port, msg));
  return portName(String(port)).map((msg) => invalid(at, port, msg));
}
