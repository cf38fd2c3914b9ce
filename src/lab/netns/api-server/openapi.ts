// /openapi/v2 and /openapi/v3: the shipped schema of the lab's kinds (src/k8s/openapi/),
// which kubectl explain prints and kubectl apply reads before it patches.
import { notAcceptable, noSuchResource } from '../../../k8s/api-status.js';
import { type OpenApiDocument, openApiV2, openApiV3, openApiV3Index } from '../../../k8s/openapi/documents.js';
import type { ApiContext } from './context.js';
import type { Router } from './router.js';

/** Only JSON is served: a client that takes nothing else (protobuf) gets 406 and not bytes it cannot read. */
function acceptsJson(accept: string): boolean {
  if (accept.trim() === '') return true;
  return accept.split(',').some((part) => {
    const type = part.split(';')[0]!.trim().toLowerCase();
    return type === 'application/json' || type === '*/*' || type === 'application/*';
  });
}

function serve(ctx: ApiContext, doc: OpenApiDocument): void {
  if (!acceptsJson(ctx.accept)) throw notAcceptable(['application/json']);
  const etag = `"${doc.hash}"`;
  if (ctx.req.headers['if-none-match'] === etag) {
    ctx.res.writeHead(304, { etag }).end();
    return;
  }
  // A URL with the document's hash never changes its answer (the v3 index hands those out).
  const immutable = ctx.query.get('hash') === doc.hash;
  ctx.res
    .writeHead(200, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(doc.json),
      etag,
      'cache-control': immutable ? 'public, immutable' : 'no-cache, private',
    })
    .end(doc.json);
}

export function registerOpenApi(router: Router): void {
  router.route('GET', '/openapi/v2', (ctx) => serve(ctx, openApiV2()));
  router.route(
    'GET',
    '/openapi/v3',
    (ctx) => {
      const gvPath = ctx.url.pathname.replace(/\/+$/, '').slice('/openapi/v3'.length).replace(/^\//, '');
      if (gvPath === '') return serve(ctx, openApiV3Index());
      const doc = openApiV3(gvPath);
      if (!doc) throw noSuchResource();
      serve(ctx, doc);
    },
    { prefix: true },
  );
}
