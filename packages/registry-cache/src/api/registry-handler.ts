/**
 * The HTTP front: readiness (`GET /`), `/metrics`, and the read-only OCI pull
 * API. Validates every path against the distribution grammar, picks the
 * upstream (ns / host / port), and answers pushes and deletes with 405.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Metrics } from '../metrics/metrics.ts';
import type { JsonLog } from '../log/json-log.ts';
import { readBody, drain } from '../upstream/http-send.ts';
import type { UpstreamClient } from '../upstream/upstream-client.ts';
import { UpstreamError } from '../upstream/upstream-error.ts';
import { upstreamRepository, type UpstreamRouter } from '../upstream/routing.ts';
import type { BlobService } from './blob-service.ts';
import type { ManifestService, UpstreamContext } from './manifest-service.ts';
import { OciError, sendOciError } from './oci-error.ts';
import { parseApiPath } from './reference.ts';
import { toOciError } from './upstream-failure.ts';

export const MAX_TAG_LIST_BYTES = 1024 * 1024;
const API_VERSION_HEADER = { 'docker-distribution-api-version': 'registry/2.0' };

export interface RegistryHandlerOptions {
  router: UpstreamRouter;
  clients: ReadonlyMap<string, UpstreamClient>;
  manifests: ManifestService;
  blobs: BlobService;
  metrics: Metrics;
  log: JsonLog;
  /** Refreshes gauges right before /metrics is rendered. */
  beforeMetrics?: () => void;
}

export function createRegistryHandler(options: RegistryHandlerOptions): (request: IncomingMessage, response: ServerResponse) => void {
  return (request, response) => {
    const started = performance.now();
    let source = '';
    const rawUrl = request.url ?? '/';
    const queryAt = rawUrl.indexOf('?');
    const path = queryAt === -1 ? rawUrl : rawUrl.slice(0, queryAt);
    const query = new URLSearchParams(queryAt === -1 ? '' : rawUrl.slice(queryAt + 1));
    response.on('close', () => {
      options.log.log('info', 'request', {
        method: request.method,
        path,
        ns: query.get('ns') ?? undefined,
        status: response.statusCode,
        source: source || undefined,
        aborted: !response.writableFinished || undefined,
        ms: Math.round(performance.now() - started),
      });
    });
    for (const [name, value] of Object.entries(API_VERSION_HEADER)) response.setHeader(name, value);
    handle(options, request, response, path, query)
      .then((s) => {
        source = s;
      })
      .catch((error: unknown) => {
        const oci = toOciError(error, path.includes('/blobs/') ? 'blob' : path.includes('/tags/') ? 'tags' : 'manifest');
        source = 'error';
        sendOciError(response, oci);
      });
  };
}

async function handle(options: RegistryHandlerOptions, request: IncomingMessage, response: ServerResponse, path: string, query: URLSearchParams): Promise<string> {
  const method = request.method ?? 'GET';
  if (method === 'GET' && path === '/') {
    response.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' }).end('ok\n');
    return 'ready';
  }
  if (method === 'GET' && path === '/metrics') {
    options.beforeMetrics?.();
    const body = options.metrics.render();
    response.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8', 'content-length': Buffer.byteLength(body) }).end(body);
    return 'metrics';
  }
  if (method !== 'GET' && method !== 'HEAD') {
    sendOciError(response, new OciError(405, 'UNSUPPORTED', `${method} is not supported: this registry cache is read-only`), { allow: 'GET, HEAD' });
    return 'rejected';
  }
  const route = parseApiPath(path);
  switch (route.kind) {
    case 'base':
      response.writeHead(200, { 'content-type': 'application/json', 'content-length': 2 }).end(method === 'HEAD' ? undefined : '{}');
      return 'base';
    case 'not-found':
      throw new OciError(404, 'NOT_FOUND', `no such endpoint: ${path.slice(0, 100)}`);
    case 'invalid':
      throw new OciError(400, route.code, route.message);
    case 'upload':
      sendOciError(response, new OciError(405, 'UNSUPPORTED', 'uploads are not supported: this registry cache is read-only'), { allow: 'GET, HEAD' });
      return 'rejected';
  }
  const ctx = upstreamContext(options, request, query, route.name);
  switch (route.kind) {
    case 'manifest': {
      const { manifest, source } = await options.manifests.resolve(ctx, route.reference, route.byDigest);
      response.writeHead(200, {
        'content-type': manifest.mediaType,
        'content-length': manifest.body.length,
        'docker-content-digest': manifest.digest,
        etag: `"${manifest.digest}"`,
      });
      response.end(method === 'HEAD' ? undefined : manifest.body);
      options.metrics.inc(source === 'upstream' ? 'registry_cache_misses_total' : 'registry_cache_hits_total', { kind: 'manifest' });
      return source;
    }
    case 'blob':
      return options.blobs.serve(request, response, ctx, route.digest);
    case 'tags':
      return tagList(response, ctx, query, method);
  }
}

function upstreamContext(options: RegistryHandlerOptions, request: IncomingMessage, query: URLSearchParams, name: string): UpstreamContext {
  const routed = options.router.resolve({ ns: query.get('ns'), host: request.headers.host, localPort: request.socket.localPort });
  if (!routed.ok) throw new OciError(404, 'NAME_UNKNOWN', routed.message);
  const client = options.clients.get(routed.upstream.name);
  if (!client) throw new OciError(404, 'NAME_UNKNOWN', `upstream ${routed.upstream.name} has no client`);
  return { client, upstream: routed.upstream.name, repository: upstreamRepository(routed.upstream.name, name) };
}

/** Tag lists are relayed (bounded in size), not cached. */
async function tagList(response: ServerResponse, ctx: UpstreamContext, query: URLSearchParams, method: string): Promise<string> {
  const forwarded = new URLSearchParams();
  const n = query.get('n');
  const last = query.get('last');
  if (n !== null && /^\d{1,6}$/.test(n)) forwarded.set('n', n);
  if (last !== null && /^[A-Za-z0-9_.-]{1,128}$/.test(last)) forwarded.set('last', last);
  const qs = forwarded.toString();
  const upstream = await ctx.client.request({ method: 'GET', repository: ctx.repository, path: `/tags/list${qs ? `?${qs}` : ''}`, headers: { accept: 'application/json' } });
  if (upstream.statusCode !== 200) {
    drain(upstream);
    throw new UpstreamError(ctx.upstream, 'status', `tag list of ${ctx.repository} answered ${upstream.statusCode}`, { status: upstream.statusCode });
  }
  const body = await readBody(upstream, MAX_TAG_LIST_BYTES);
  response.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length });
  response.end(method === 'HEAD' ? undefined : body);
  return 'upstream';
}
