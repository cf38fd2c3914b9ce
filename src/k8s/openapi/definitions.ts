// The OpenAPI definitions of the kinds the lab serves, shipped in the package as
// schema/kubernetes-openapi.json (written by src/k8s/openapi/generate-openapi.mjs from the
// models npm already ships): read once, never downloaded.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The part of an OpenAPI schema object the lab reads; the file holds plain JSON of this shape. */
export interface SchemaObject {
  description?: string;
  type?: string;
  format?: string;
  $ref?: string;
  items?: SchemaObject;
  properties?: Record<string, SchemaObject>;
  additionalProperties?: SchemaObject;
  required?: string[];
  'x-kubernetes-group-version-kind'?: GroupVersionKind[];
  'x-kubernetes-patch-merge-key'?: string;
  'x-kubernetes-patch-strategy'?: string;
  'x-kubernetes-list-type'?: 'atomic' | 'set' | 'map';
  'x-kubernetes-list-map-keys'?: string[];
  'x-kubernetes-map-type'?: 'atomic' | 'granular';
}

export interface GroupVersionKind {
  group: string;
  version: string;
  kind: string;
}

export interface ShippedDefinitions {
  info: { title: string; version: string };
  definitions: Record<string, SchemaObject>;
}

// src/k8s/openapi/ and dist/k8s/openapi/ both sit three levels below the package root.
const FILE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'schema', 'kubernetes-openapi.json');

let loaded: ShippedDefinitions | undefined;

export function shippedDefinitions(): ShippedDefinitions {
  loaded ??= JSON.parse(readFileSync(FILE, 'utf8')) as ShippedDefinitions;
  return loaded;
}

/** `#/definitions/io.k8s.api.core.v1.Pod` → `io.k8s.api.core.v1.Pod`. */
export function refName(ref: string): string {
  return ref.slice(ref.lastIndexOf('/') + 1);
}

/** The definition of a kind, by apiVersion (`networking.k8s.io/v1`) and kind; undefined for a kind the lab does not serve. */
export function definitionOfKind(apiVersion: string, kind: string): SchemaObject | undefined {
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/', 2) : ['', apiVersion];
  const { definitions } = shippedDefinitions();
  return Object.values(definitions).find((d) =>
    d['x-kubernetes-group-version-kind']?.some((g) => g.group === group && g.version === version && g.kind === kind),
  );
}

/** A schema with its `$ref` followed (once: definitions never refer to a bare reference). */
export function resolveSchema(schema: SchemaObject | undefined): SchemaObject | undefined {
  if (!schema?.$ref) return schema;
  return shippedDefinitions().definitions[refName(schema.$ref)];
}
