// One request to the lab's API server: what it asks for, its body, and the ways to answer it.
import type http from 'node:http';
import { type ApiError, badRequest, tooLarge } from '../../../k8s/api-status.js';
import type { ApiResource } from '../../../k8s/api-resources.js';
import type { LabControl } from './lab-control.js';

/** kube-apiserver's limit on a request body (3 MiB); larger ones get 413. */
export const MAX_BODY_BYTES = 3 * 1024 * 1024;

/** A URL under /api or /apis that names a resource: `/apis/apps/v1/namespaces/shop/deployments/api/scale`. */
export interface ResourceTarget {
  resource: ApiResource;
  namespace?: string;
  name?: string;
  subresource?: string;
}

export class ApiContext {
  readonly url: URL;

  constructor(
    readonly req: http.IncomingMessage,
    readonly res: http.ServerResponse,
    readonly lab: LabControl,
    /** Set by the router for resource URLs. */
    public target?: ResourceTarget,
  ) {
    this.url = new URL(req.url ?? '/', 'https://lab');
  }

  get method(): string {
    return this.req.method ?? 'GET';
  }

  get query(): URLSearchParams {
    return this.url.searchParams;
  }

  /** The media type of the body, without parameters: `application/merge-patch+json`. */
  get contentType(): string {
    return (this.req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  }

  get accept(): string {
    return this.req.headers.accept ?? '';
  }

  /** The whole body; 413 past MAX_BODY_BYTES (the rest is read and dropped, so the answer still reaches the client). */
  async body(): Promise<Buffer> {
    const declared = Number(this.req.headers['content-length'] ?? 0);
    if (declared > MAX_BODY_BYTES) {
      this.req.resume();
      throw tooLarge(MAX_BODY_BYTES);
    }
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of this.req as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        this.req.resume();
        throw tooLarge(MAX_BODY_BYTES);
      }
      chunks.push(chunk);
    }
    return Buffer.concat(chunks);
  }

  /** The body as JSON; 400 with the parser's words when it is not. */
  async json(): Promise<unknown> {
    const text = (await this.body()).toString('utf8');
    try {
      return JSON.parse(text);
    } catch (error) {
      throw badRequest(`the request body is not valid JSON: ${(error as Error).message}`);
    }
  }

  send(code: number, body: unknown, contentType = 'application/json'): void {
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    this.res.writeHead(code, { 'content-type': contentType, 'content-length': Buffer.byteLength(text), 'cache-control': 'no-cache, private' }).end(text);
  }

  fail(error: ApiError): void {
    if (this.res.headersSent) {
      this.res.destroy();
      return;
    }
    this.send(error.code, error.toStatus());
  }
}
