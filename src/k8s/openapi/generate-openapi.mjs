// Writes schema/kubernetes-openapi.json: the OpenAPI definitions (Swagger 2.0 form) of the kinds
// the netns lab's API server serves, from what npm already ships, so nothing is downloaded:
//   - @kubernetes/client-node's generated models give every property, its type and format, whether
//     it is required, and the description of the type and of each plain property;
//   - kubernetes-models (a devDependency) gives the upstream definition name of each type
//     (io.k8s.api.core.v1.Pod) and the description of properties that refer to another type,
//     which client-node's generator drops.
// What neither package carries is added from the table below: the list extensions upstream
// declares in its Go types (patchMergeKey/patchStrategy/listType tags), which kubectl's strategic
// merge patch and the lab's own patch handler read.
//   node scripts/generate-openapi.mjs           write the file
//   node scripts/generate-openapi.mjs --check   exit 1 when the committed file is stale
import { readFileSync, readdirSync, existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** client-node's exports by name: each model class carries an attributeTypeMap. */
const models = new Map(Object.entries(await import('@kubernetes/client-node')));
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const outFile = path.join(root, 'schema', 'kubernetes-openapi.json');
const clientModels = path.join(root, 'node_modules', '@kubernetes', 'client-node', 'dist', 'gen', 'models');
const k8sModels = path.join(root, 'node_modules', 'kubernetes-models');
const apimachinery = path.join(root, 'node_modules', '@kubernetes-models', 'apimachinery');

const META = 'io.k8s.apimachinery.pkg.apis.meta.v1';
const TIME = `${META}.Time`;
const MICRO_TIME = `${META}.MicroTime`;
const INT_OR_STRING = 'io.k8s.apimachinery.pkg.util.intstr.IntOrString';

/** The kinds the lab serves (client-node class, group, version, kind), each with its List. */
const ROOT_KINDS = [
  ['V1Pod', '', 'v1', 'Pod'],
  ['V1Service', '', 'v1', 'Service'],
  ['V1Endpoints', '', 'v1', 'Endpoints'],
  ['V1ConfigMap', '', 'v1', 'ConfigMap'],
  ['V1Node', '', 'v1', 'Node'],
  ['V1Namespace', '', 'v1', 'Namespace'],
  ['CoreV1Event', '', 'v1', 'Event'],
  ['V1Deployment', 'apps', 'v1', 'Deployment'],
  ['V1ReplicaSet', 'apps', 'v1', 'ReplicaSet'],
  ['V1DaemonSet', 'apps', 'v1', 'DaemonSet'],
  ['V1NetworkPolicy', 'networking.k8s.io', 'v1', 'NetworkPolicy'],
  ['V1EndpointSlice', 'discovery.k8s.io', 'v1', 'EndpointSlice'],
];
/** Kinds that are no resource of their own but appear in requests and answers. */
const OTHER_KINDS = [
  ['V1Scale', 'autoscaling', 'v1', 'Scale'],
  ['V1Status', '', 'v1', 'Status'],
  ['V1DeleteOptions', '', 'v1', 'DeleteOptions'],
  ['V1WatchEvent', '', 'v1', 'WatchEvent'],
];

// Upstream's list tags (k8s.io/api/*/types.go, k8s.io/apimachinery meta/v1/types.go) for the types
// above: `merge:KEY` = patchStrategy merge with patchMergeKey KEY; `map:K1,K2` = listType map with
// those listMapKeys; `set`, `atomic` = listType; `retainKeys` adds that patch strategy.
const LIST_TAGS = {
  [`${META}.ObjectMeta`]: { finalizers: 'set merge', ownerReferences: 'merge:uid map:uid', managedFields: 'atomic' },
  [`${META}.LabelSelector`]: { matchExpressions: 'atomic' },
  [`${META}.LabelSelectorRequirement`]: { values: 'atomic' },
  [`${META}.StatusDetails`]: { causes: 'atomic' },
  'io.k8s.api.core.v1.PodSpec': {
    containers: 'merge:name map:name',
    initContainers: 'merge:name map:name',
    ephemeralContainers: 'merge:name map:name',
    volumes: 'merge:name retainKeys map:name',
    imagePullSecrets: 'merge:name map:name',
    hostAliases: 'merge:ip map:ip',
    tolerations: 'atomic',
    readinessGates: 'atomic',
    topologySpreadConstraints: 'merge:topologyKey map:topologyKey,whenUnsatisfiable',
    resourceClaims: 'merge:name retainKeys map:name',
    schedulingGates: 'merge:name map:name',
  },
  'io.k8s.api.core.v1.Container': {
    ports: 'merge:containerPort map:containerPort,protocol',
    env: 'merge:name map:name',
    envFrom: 'atomic',
    volumeMounts: 'merge:mountPath map:mountPath',
    volumeDevices: 'merge:devicePath map:devicePath',
    command: 'atomic',
    args: 'atomic',
    resizePolicy: 'atomic',
  },
  'io.k8s.api.core.v1.EphemeralContainer': {
    ports: 'merge:containerPort map:containerPort,protocol',
    env: 'merge:name map:name',
    envFrom: 'atomic',
    volumeMounts: 'merge:mountPath map:mountPath',
    volumeDevices: 'merge:devicePath map:devicePath',
    command: 'atomic',
    args: 'atomic',
    resizePolicy: 'atomic',
  },
  'io.k8s.api.core.v1.PodStatus': {
    conditions: 'merge:type map:type',
    podIPs: 'merge:ip map:ip',
    hostIPs: 'merge:ip atomic',
    containerStatuses: 'atomic',
    initContainerStatuses: 'atomic',
    ephemeralContainerStatuses: 'atomic',
  },
  'io.k8s.api.core.v1.ServiceSpec': {
    ports: 'merge:port map:port,protocol',
    clusterIPs: 'atomic',
    externalIPs: 'atomic',
    ipFamilies: 'atomic',
    loadBalancerSourceRanges: 'atomic',
  },
  'io.k8s.api.core.v1.ServiceStatus': { conditions: 'merge:type map:type' },
  'io.k8s.api.core.v1.LoadBalancerStatus': { ingress: 'atomic' },
  'io.k8s.api.core.v1.Endpoints': { subsets: 'atomic' },
  'io.k8s.api.core.v1.EndpointSubset': { addresses: 'atomic', notReadyAddresses: 'atomic', ports: 'atomic' },
  'io.k8s.api.core.v1.NodeSpec': { taints: 'atomic', podCIDRs: 'set merge' },
  'io.k8s.api.core.v1.NodeStatus': {
    conditions: 'merge:type map:type',
    addresses: 'merge:type map:type',
    images: 'atomic',
    volumesInUse: 'atomic',
    volumesAttached: 'atomic',
  },
  'io.k8s.api.core.v1.NamespaceSpec': { finalizers: 'atomic' },
  'io.k8s.api.core.v1.NamespaceStatus': { conditions: 'merge:type map:type' },
  'io.k8s.api.apps.v1.DeploymentStatus': { conditions: 'merge:type map:type' },
  'io.k8s.api.apps.v1.ReplicaSetStatus': { conditions: 'merge:type map:type' },
  'io.k8s.api.apps.v1.DaemonSetStatus': { conditions: 'merge:type map:type' },
  'io.k8s.api.networking.v1.NetworkPolicySpec': { ingress: 'atomic', egress: 'atomic', policyTypes: 'atomic' },
  'io.k8s.api.networking.v1.NetworkPolicyIngressRule': { ports: 'atomic', from: 'atomic' },
  'io.k8s.api.networking.v1.NetworkPolicyEgressRule': { ports: 'atomic', to: 'atomic' },
  'io.k8s.api.networking.v1.IPBlock': { except: 'atomic' },
  'io.k8s.api.discovery.v1.EndpointSlice': { endpoints: 'atomic', ports: 'atomic' },
  'io.k8s.api.discovery.v1.Endpoint': { addresses: 'set' },
};

/** Upstream folder (kubernetes-models) of each group, and the package segment of its definition names. */
const GROUP_FOLDERS = [
  ['v1', 'io.k8s.api.core.v1'],
  ['apps/v1', 'io.k8s.api.apps.v1'],
  ['networking.k8s.io/v1', 'io.k8s.api.networking.v1'],
  ['discovery.k8s.io/v1', 'io.k8s.api.discovery.v1'],
  ['autoscaling/v1', 'io.k8s.api.autoscaling.v1'],
  ['events.k8s.io/v1', 'io.k8s.api.events.v1'],
];
const CLASS_PREFIXES = { CoreV1: 'io.k8s.api.core.v1', DiscoveryV1: 'io.k8s.api.discovery.v1', EventsV1: 'io.k8s.api.events.v1' };

/** Type name → [upstream definition name, kubernetes-models .d.ts file]. */
function upstreamIndex() {
  const index = new Map();
  const add = (dir, pkg) => {
    for (const file of readdirSync(dir)) {
      if (!file.endsWith('.d.ts') || file === 'index.d.ts') continue;
      const name = file.slice(0, -'.d.ts'.length);
      index.set(`${pkg}.${name}`, path.join(dir, file));
    }
  };
  for (const [folder, pkg] of GROUP_FOLDERS) add(path.join(k8sModels, folder), pkg);
  add(path.join(apimachinery, 'apis', 'meta', 'v1'), META);
  return index;
}

/** The upstream name of a client-node class; a type newer than kubernetes-models lives in its referrer's package. */
function definitionName(className, index, referrer) {
  for (const [prefix, pkg] of Object.entries(CLASS_PREFIXES)) {
    if (className.startsWith(prefix)) return `${pkg}.${className.slice(prefix.length)}`;
  }
  const simple = className.replace(/^V1/, '');
  const candidates = [...GROUP_FOLDERS.map(([, pkg]) => pkg), META].map((pkg) => `${pkg}.${simple}`).filter((n) => index.has(n));
  if (candidates.length > 0) return candidates[0];
  if (!referrer) throw new Error(`no upstream definition for ${className}`);
  return `${referrer.slice(0, referrer.lastIndexOf('.'))}.${simple}`;
}

const unescapeQuotes = (text) => text.replace(/\\(['"\\])/g, '$1');

/** JSDoc text of the class and of each property of a client-node or kubernetes-models declaration file. */
function docsOf(file, quote) {
  const text = readFileSync(file, 'utf8');
  const cleaned = (doc) =>
    unescapeQuotes(
      doc
        .split('\n')
        .map((line) => line.replace(/^\s*\*\s?/, ''))
        .join('\n')
        .trim(),
    );
  const classDoc = /\/\*\*((?:(?!\*\/)[\s\S])*?)\*\/\s*export (?:declare class|declare type|interface)/.exec(text);
  const props = new Map();
  const re = new RegExp(`/\\*\\*((?:(?!\\*/)[\\s\\S])*?)\\*/\\s*${quote}([^${quote}]+)${quote}\\??:`, 'g');
  let m;
  while ((m = re.exec(text))) if (!props.has(m[2])) props.set(m[2], cleaned(m[1]));
  const optional = new Map();
  for (const o of text.matchAll(new RegExp(`^\\s*${quote}([^${quote}]+)${quote}(\\?)?:`, 'gm'))) if (!optional.has(o[1])) optional.set(o[1], !!o[2]);
  return { description: classDoc ? cleaned(classDoc[1]) : undefined, props, optional };
}

const CLASS_TYPE = /^(V1|CoreV1|DiscoveryV1|EventsV1)\w+$/;

function generate() {
  const index = upstreamIndex();
  const definitions = {};
  const queue = [...ROOT_KINDS.flatMap(([c]) => [c, `${c}List`]), ...OTHER_KINDS.map(([c]) => c)];
  const done = new Set();
  const refTo = (name) => ({ $ref: `#/definitions/${name}` });

  const names = new Map(queue.map((c) => [c, definitionName(c, index)]));
  const schemaOf = (type, format, referrer) => {
    const array = /^Array<(.+)>$/.exec(type);
    if (array) return { type: 'array', items: schemaOf(array[1], format, referrer) };
    const map = /^\{ \[key: string\]: (.+); \}$/.exec(type);
    if (map) return { type: 'object', additionalProperties: schemaOf(map[1], format, referrer) };
    if (type === 'string') return format === 'byte' ? { type: 'string', format: 'byte' } : { type: 'string' };
    if (type === 'boolean') return { type: 'boolean' };
    if (type === 'number') return format === 'double' ? { type: 'number', format: 'double' } : { type: 'integer', format: format || 'int32' };
    if (type === 'Date') return refTo(TIME);
    if (type === 'V1MicroTime') return refTo(MICRO_TIME);
    if (type === 'IntOrString') return refTo(INT_OR_STRING);
    if (type === 'any') return { type: 'object' };
    if (CLASS_TYPE.test(type)) {
      if (!names.has(type)) names.set(type, definitionName(type, index, referrer));
      queue.push(type);
      return refTo(names.get(type));
    }
    throw new Error(`unknown client-node type ${type}`);
  };

  while (queue.length > 0) {
    const className = queue.shift();
    if (done.has(className)) continue;
    done.add(className);
    const model = models.get(className);
    if (!model?.attributeTypeMap) throw new Error(`@kubernetes/client-node has no model ${className}`);
    const name = names.get(className);
    const own = docsOf(path.join(clientModels, `${className}.d.ts`), "'");
    const upstreamFile = index.get(name);
    const upstream = upstreamFile && existsSync(upstreamFile) ? docsOf(upstreamFile, '"') : undefined;
    const properties = {};
    const required = [];
    for (const attribute of [...model.attributeTypeMap].sort((a, b) => a.baseName.localeCompare(b.baseName))) {
      const prop = attribute.baseName;
      const schema = schemaOf(attribute.type, attribute.format, name);
      // A property that refers to another type carries that type's description in client-node: take
      // the property's own from kubernetes-models, or none.
      const isRef = '$ref' in schema;
      const description = isRef ? upstream?.props.get(prop) : (own.props.get(prop) ?? upstream?.props.get(prop));
      properties[prop] = { ...(description ? { description } : {}), ...schema, ...listExtensions(name, prop) };
      if (own.optional.get(prop) === false) required.push(prop);
    }
    const definition = { ...(own.description ? { description: own.description } : {}), type: 'object', properties };
    if (required.length > 0) definition.required = required;
    if (name === `${META}.OwnerReference`) definition['x-kubernetes-map-type'] = 'atomic';
    const gvk = [...ROOT_KINDS, ...OTHER_KINDS].find(([c]) => c === className || `${c}List` === className);
    if (gvk) {
      const [c, group, version, kind] = gvk;
      definition['x-kubernetes-group-version-kind'] = [{ group, kind: c === className ? kind : `${kind}List`, version }];
    }
    definitions[name] = definition;
  }
  for (const [table, prop] of Object.entries(LIST_TAGS).flatMap(([t, props]) => Object.keys(props).map((p) => [t, p]))) {
    if (!definitions[table]?.properties[prop]) throw new Error(`LIST_TAGS names ${table}.${prop}, which the models do not have`);
  }
  Object.assign(definitions, scalarDefinitions());
  const sorted = Object.fromEntries(
    Object.keys(definitions)
      .sort()
      .map((k) => [k, definitions[k]]),
  );
  const clientVersion = JSON.parse(readFileSync(path.join(root, 'node_modules', '@kubernetes', 'client-node', 'package.json'), 'utf8')).version;
  return {
    info: { title: 'Kubernetes', version: specVersion(), generatedFrom: `@kubernetes/client-node ${clientVersion}` },
    definitions: sorted,
  };
}

function specVersion() {
  const header = readFileSync(path.join(clientModels, 'V1Pod.d.ts'), 'utf8');
  return /OpenAPI spec version: (\S+)/.exec(header)[1];
}

function listExtensions(definition, prop) {
  const tags = LIST_TAGS[definition]?.[prop];
  if (!tags) return {};
  const out = {};
  const strategies = [];
  for (const tag of tags.split(' ')) {
    if (tag.startsWith('merge:')) {
      out['x-kubernetes-patch-merge-key'] = tag.slice('merge:'.length);
      strategies.push('merge');
    } else if (tag === 'merge' || tag === 'retainKeys') strategies.push(tag);
    else if (tag.startsWith('map:')) {
      out['x-kubernetes-list-type'] = 'map';
      out['x-kubernetes-list-map-keys'] = tag.slice('map:'.length).split(',');
    } else out['x-kubernetes-list-type'] = tag;
  }
  if (strategies.length > 0) out['x-kubernetes-patch-strategy'] = strategies.join(',');
  return out;
}

/** The types client-node turns into plain strings; upstream gives them definitions of their own. */
function scalarDefinitions() {
  const doc = (file) => docsOf(file, '"').description;
  return {
    [TIME]: { description: doc(path.join(apimachinery, 'apis', 'meta', 'v1', 'Time.d.ts')), type: 'string', format: 'date-time' },
    [MICRO_TIME]: { description: doc(path.join(apimachinery, 'apis', 'meta', 'v1', 'MicroTime.d.ts')), type: 'string', format: 'date-time' },
    [INT_OR_STRING]: { description: doc(path.join(apimachinery, 'util', 'intstr', 'IntOrString.d.ts')), type: 'string', format: 'int-or-string' },
  };
}

const text = `${JSON.stringify(generate(), null, 1)}\n`;
if (process.argv.includes('--check')) {
  const committed = existsSync(outFile) ? readFileSync(outFile, 'utf8') : '';
  if (committed !== text) {
    process.stderr.write(`${path.relative(process.cwd(), outFile)} is stale: run node scripts/generate-openapi.mjs\n`);
    process.exit(1);
  }
} else {
  writeFileSync(outFile, text);
  process.stdout.write(`wrote ${path.relative(process.cwd(), outFile)}\n`);
}
