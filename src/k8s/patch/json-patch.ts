// JSON Patch (RFC 6902), what `kubectl patch --type json` sends: add, remove, replace,
// move, copy and test, on JSON Pointer paths (RFC 6901), all or nothing.

export class JsonPatchError extends Error {}

interface Operation {
  op: string;
  path: string;
  value?: unknown;
  from?: string;
}

function pointer(path: string): string[] {
  if (path === '') return [];
  if (!path.startsWith('/')) throw new JsonPatchError(`invalid JSON Pointer "${path}": it must start with "/"`);
  return path
    .slice(1)
    .split('/')
    .map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
}

type Container = Record<string, unknown> | unknown[];

function isContainer(value: unknown): value is Container {
  return value !== null && typeof value === 'object';
}

/** The container holding the last token of a path, and that token. */
function parentOf(doc: unknown, tokens: string[], path: string): { parent: Container; last: string } {
  let node = doc;
  for (const token of tokens.slice(0, -1)) {
    if (!isContainer(node)) throw new JsonPatchError(`path "${path}" does not exist`);
    node = Array.isArray(node) ? node[Number(token)] : node[token];
  }
  if (!isContainer(node)) throw new JsonPatchError(`path "${path}" does not exist`);
  return { parent: node, last: tokens.at(-1)! };
}

function arrayIndex(array: unknown[], token: string, path: string, forInsert: boolean): number {
  if (forInsert && token === '-') return array.length;
  if (!/^(0|[1-9]\d*)$/.test(token)) throw new JsonPatchError(`path "${path}": "${token}" is not an array index`);
  const index = Number(token);
  if (index > array.length || (!forInsert && index === array.length)) throw new JsonPatchError(`path "${path}": index ${index} is out of bounds`);
  return index;
}

function get(doc: unknown, path: string): unknown {
  let node = doc;
  for (const token of pointer(path)) {
    if (!isContainer(node)) throw new JsonPatchError(`path "${path}" does not exist`);
    if (Array.isArray(node)) node = node[arrayIndex(node, token, path, false)];
    else if (!Object.hasOwn(node, token)) throw new JsonPatchError(`path "${path}" does not exist`);
    else node = node[token];
  }
  return node;
}

function add(doc: unknown, path: string, value: unknown): unknown {
  const tokens = pointer(path);
  if (tokens.length === 0) return value;
  const { parent, last } = parentOf(doc, tokens, path);
  if (Array.isArray(parent)) parent.splice(arrayIndex(parent, last, path, true), 0, value);
  else parent[last] = value;
  return doc;
}

function remove(doc: unknown, path: string): unknown {
  const tokens = pointer(path);
  if (tokens.length === 0) throw new JsonPatchError('cannot remove the whole document');
  const { parent, last } = parentOf(doc, tokens, path);
  if (Array.isArray(parent)) parent.splice(arrayIndex(parent, last, path, false), 1);
  else if (!Object.hasOwn(parent, last)) throw new JsonPatchError(`path "${path}" does not exist`);
  else delete parent[last];
  return doc;
}

export function applyJsonPatch(document: unknown, operations: unknown): unknown {
  if (!Array.isArray(operations)) throw new JsonPatchError('a JSON patch is a list of operations');
  let doc = structuredClone(document);
  for (const raw of operations as Operation[]) {
    if (!raw || typeof raw !== 'object' || typeof raw.path !== 'string') throw new JsonPatchError('every operation needs "op" and "path"');
    switch (raw.op) {
      case 'add':
        doc = add(doc, raw.path, structuredClone(raw.value));
        break;
      case 'remove':
        doc = remove(doc, raw.path);
        break;
      case 'replace':
        get(doc, raw.path);
        doc = raw.path === '' ? structuredClone(raw.value) : add(remove(doc, raw.path), raw.path, structuredClone(raw.value));
        break;
      case 'move': {
        const value = get(doc, raw.from ?? '');
        doc = add(remove(doc, raw.from ?? ''), raw.path, value);
        break;
      }
      case 'copy':
        doc = add(doc, raw.path, structuredClone(get(doc, raw.from ?? '')));
        break;
      case 'test':
        if (JSON.stringify(get(doc, raw.path)) !== JSON.stringify(raw.value)) throw new JsonPatchError(`testing value ${raw.path} failed`);
        break;
      default:
        throw new JsonPatchError(`unknown operation "${raw.op}": use add, remove, replace, move, copy or test`);
    }
  }
  return doc;
}
