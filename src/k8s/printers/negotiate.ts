// Content negotiation for reads: does the client want a meta.k8s.io Table (what `kubectl get` asks for),
// the object itself, or something the lab cannot serve (406)? Follows the Accept header's order and q-values.

export type ReadRepresentation =
  | { as: 'Table'; apiVersion: 'meta.k8s.io/v1' | 'meta.k8s.io/v1beta1'; contentType: string }
  | { as: 'Object'; contentType: 'application/json' | 'application/yaml' };

interface MediaRange {
  type: string;
  params: Record<string, string>;
  q: number;
}

function parseAccept(header: string): MediaRange[] {
  return header
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)
    .map((part) => {
      const [type = '', ...rest] = part.split(';').map((s) => s.trim());
      const params: Record<string, string> = {};
      for (const p of rest) {
        const eq = p.indexOf('=');
        if (eq > 0) params[p.slice(0, eq).toLowerCase()] = p.slice(eq + 1).replace(/^"|"$/g, '');
      }
      const q = params.q === undefined ? 1 : Number(params.q);
      delete params.q;
      return { type: type.toLowerCase(), params, q: Number.isFinite(q) ? q : 0 };
    });
}

function representationOf(range: MediaRange): ReadRepresentation | undefined {
  const { type, params } = range;
  if (params.as === 'Table') {
    if (type !== 'application/json' || params.g !== 'meta.k8s.io') return undefined;
    if (params.v !== 'v1' && params.v !== 'v1beta1') return undefined;
    return { as: 'Table', apiVersion: `meta.k8s.io/${params.v}`, contentType: `application/json;as=Table;v=${params.v};g=meta.k8s.io` };
  }
  // Other conversions (as=PartialObjectMetadata…) are not served: the client's next choice decides.
  if (params.as !== undefined) return undefined;
  if (type === 'application/yaml') return { as: 'Object', contentType: 'application/yaml' };
  if (type === 'application/json' || type === 'application/*' || type === '*/*') return { as: 'Object', contentType: 'application/json' };
  return undefined;
}

/**
 * The representation a GET, list or watch answers with; JSON when there is no Accept header;
 * undefined when nothing the client accepts can be served (kube-apiserver's 406 NotAcceptable).
 */
export function negotiateRead(accept: string | undefined): ReadRepresentation | undefined {
  if (!accept?.trim()) return { as: 'Object', contentType: 'application/json' };
  const ranges = parseAccept(accept)
    .map((range, index) => ({ range, index }))
    .filter(({ range }) => range.q > 0)
    .sort((a, b) => b.range.q - a.range.q || a.index - b.index);
  for (const { range } of ranges) {
    const chosen = representationOf(range);
    if (chosen) return chosen;
  }
  return undefined;
}

/** The `includeObject` query parameter (None, Metadata, Object); Metadata when absent, undefined when it names none of them. */
export function includeObjectParam(value: string | null | undefined): 'None' | 'Metadata' | 'Object' | undefined {
  if (value === null || value === undefined || value === '') return 'Metadata';
  return value === 'None' || value === 'Metadata' || value === 'Object' ? value : undefined;
}
