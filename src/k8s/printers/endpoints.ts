// `kubectl get endpoints` and `kubectl get endpointslices`: the first three
// addresses and "+ N more...", as kube-apiserver abbreviates them.
import { timestampSince } from './human-duration.js';
import { AGE_COLUMN, column, NAME_COLUMN, type Printer } from './table.js';

const SHOWN = 3;

function withMore(list: string[], total: number, empty: string): string {
  if (total > SHOWN) return `${list.slice(0, SHOWN).join(',')} + ${total - SHOWN} more...`;
  return list.length ? list.join(',') : empty;
}

interface EndpointsShape {
  subsets?: { addresses?: { ip: string }[]; ports?: { port: number }[] }[];
}

/**
 * `10.244.1.5:8080,10.244.2.3:8080`: each ready address with each port. Not-ready addresses are not shown, so
 * a Service whose pods are all unready shows an empty cell (and "<none>" only when there are no subsets at all).
 */
export function formatEndpoints(endpoints: EndpointsShape): string {
  const subsets = endpoints.subsets ?? [];
  if (subsets.length === 0) return '<none>';
  const list: string[] = [];
  let total = 0;
  for (const subset of subsets) {
    const addresses = subset.addresses ?? [];
    const ports = subset.ports ?? [];
    if (ports.length === 0) {
      total += addresses.length;
      list.push(...addresses.map((a) => a.ip));
      continue;
    }
    for (const port of ports) {
      total += addresses.length;
      list.push(...addresses.map((a) => `${a.ip}:${port.port}`));
    }
  }
  return total > SHOWN ? withMore(list, total, '') : list.join(',');
}

export const endpointsPrinter: Printer = {
  kind: 'Endpoints',
  columns: [NAME_COLUMN, column('Endpoints', 'The set of all endpoints is the union of all subsets.'), AGE_COLUMN],
  cells(obj, nowMs) {
    return [obj.metadata.name, formatEndpoints(obj as EndpointsShape), timestampSince(obj.metadata.creationTimestamp, nowMs)];
  },
};

interface SliceShape {
  addressType?: string;
  ports?: { port?: number | null; name?: string | null }[] | null;
  endpoints?: { addresses?: string[] }[] | null;
}

/** The PORTS cell: port numbers ("*" for a port without one), "<unset>" for none. */
export function formatSlicePorts(ports: SliceShape['ports']): string {
  const list = (ports ?? []).map((p) => (typeof p.port === 'number' ? String(p.port) : (p.name ?? '*')));
  return withMore(list, list.length, '<unset>');
}

/** The ENDPOINTS cell: every address of every endpoint, ready or not; "<unset>" for none. */
export function formatSliceEndpoints(endpoints: SliceShape['endpoints']): string {
  const list = (endpoints ?? []).flatMap((e) => e.addresses ?? []);
  return withMore(list, list.length, '<unset>');
}

export const endpointSlicePrinter: Printer = {
  kind: 'EndpointSlice',
  columns: [
    NAME_COLUMN,
    column('AddressType', 'addressType specifies the type of address carried by this EndpointSlice.'),
    column('Ports', 'ports specifies the list of network ports exposed by each endpoint in this slice.'),
    column('Endpoints', 'endpoints is a list of unique endpoints in this slice.'),
    AGE_COLUMN,
  ],
  cells(obj, nowMs) {
    const slice = obj as unknown as SliceShape;
    return [
      obj.metadata.name,
      slice.addressType ?? '',
      formatSlicePorts(slice.ports),
      formatSliceEndpoints(slice.endpoints),
      timestampSince(obj.metadata.creationTimestamp, nowMs),
    ];
  },
};
