/**
 * Blobs: warm from the store, cold through one shared fill per digest that
 * every waiter tails as it grows (Range works on warm, cold and in-flight
 * blobs), or passed straight through when the disk is full.
 */
import { open } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream';
import { openFill } from '../fill/fill-reader.ts';
import type { FillRegistry } from '../fill/fill-registry.ts';
import { METRIC_NAMES, type Metrics } from '../metrics/metrics.ts';
import type { BlobStore } from '../storage/blob-store.ts';
import { DiskFullError } from '../storage/disk-full-error.ts';
import { drain } from '../upstream/http-send.ts';
import { UpstreamError } from '../upstream/upstream-error.ts';
import { sendBlob } from './blob-sender.ts';
import { parseRange } from './byte-range.ts';
import type { UpstreamContext } from './manifest-service.ts';
import { OciError } from './oci-error.ts';
import { failureReason } from './upstream-failure.ts';
import { verifyingRelay } from './verifying-relay.ts';

export interface BlobServiceOptions {
  store: BlobStore;
  fills: FillRegistry;
  metrics: Metrics;
}

export type BlobSource = 'cache' | 'fill' | 'coalesced' | 'passthrough' | 'upstream-head';

function blobHeaders(digest: string, length?: number): Record<string, string | number> {
  const headers: Record<string, string | number> = {
    'content-type': 'application/octet-stream',
    'docker-content-digest': digest,
    etag: `"${digest}"`,
    'accept-ranges': 'bytes',
    'cache-control': 'max-age=31536000',
  };
  if (length !== undefined) headers['content-length'] = length;
  return headers;
}

export class BlobService {
  private readonly options: BlobServiceOptions;

  constructor(options: BlobServiceOptions) {
    this.options = options;
  }

  /** Answers a blob GET/HEAD; resolves with where the bytes came from. Throws OciError/UpstreamError before headers are sent. */
  async serve(request: IncomingMessage, response: ServerResponse, ctx: UpstreamContext, digest: string): Promise<BlobSource> {
    const { store, fills, metrics } = this.options;
    let fill = fills.get(digest);
    if (!fill) {
      const local = store.lookup(digest);
      if (local && (await this.serveFile(request, response, digest, local.path, local.size))) {
        metrics.inc(METRIC_NAMES.hits, { kind: 'blob' });
        return 'cache';
      }
    }
    let source: BlobSource = 'coalesced';
    if (!fill) {
      if (request.method === 'HEAD') return this.headUpstream(response, ctx, digest);
      if (!(await store.canCache())) return this.passThrough(request, response, ctx, digest);
      const started = fills.start(digest, ctx.upstream, () => {
        metrics.inc(METRIC_NAMES.upstreamRequests, { upstream: ctx.upstream });
        return ctx.client.request({ method: 'GET', repository: ctx.repository, path: `/blobs/${digest}` });
      });
      fill = started.fill;
      if (started.started) {
        source = 'fill';
        fill.done.catch((error: unknown) => {
          if (!(error instanceof DiskFullError) && !(error instanceof UpstreamError && error.status === 404)) {
            metrics.inc(METRIC_NAMES.upstreamErrors, { upstream: ctx.upstream, reason: failureReason(error) });
          }
        });
      }
    }
    metrics.inc(source === 'fill' ? METRIC_NAMES.misses : METRIC_NAMES.coalesced, source === 'fill' ? { kind: 'blob' } : {});
    try {
      await fill.ready;
    } catch (error) {
      if (error instanceof DiskFullError) return this.passThrough(request, response, ctx, digest);
      throw error;
    }
    const size = fill.size;
    const range = size === undefined ? ({ kind: 'full' } as const) : parseRange(request.headers.range, size);
    if (range.kind === 'unsatisfiable') throw new OciError(416, 'RANGE_INVALID', `range ${request.headers.range} is outside the blob's ${size} bytes`);
    // opened before the headers go out, so a fill that failed meanwhile still gets a proper error answer
    const file = request.method === 'HEAD' ? undefined : await openFill(fill);
    if (range.kind === 'partial') {
      response.writeHead(206, { ...blobHeaders(digest, range.end - range.start + 1), 'content-range': `bytes ${range.start}-${range.end}/${size}` });
    } else {
      response.writeHead(200, blobHeaders(digest, size));
    }
    if (!file) {
      response.end();
      return source;
    }
    sendBlob({
      response,
      file,
      fill,
      start: range.kind === 'partial' ? range.start : 0,
      end: range.kind === 'partial' ? range.end : size === undefined ? undefined : size - 1,
      onBytes: (n) => metrics.inc(METRIC_NAMES.bytesServed, { source: 'upstream' }, n),
    });
    return source;
  }

  /** Streams a stored blob; false when the file vanished (evicted meanwhile). */
  private async serveFile(request: IncomingMessage, response: ServerResponse, digest: string, path: string, size: number): Promise<boolean> {
    let handle;
    try {
      handle = await open(path, 'r');
    } catch {
      this.options.store.forget(digest);
      return false;
    }
    const range = parseRange(request.headers.range, size);
    if (range.kind === 'unsatisfiable') {
      await handle.close();
      throw new OciError(416, 'RANGE_INVALID', `range ${request.headers.range} is outside the blob's ${size} bytes`);
    }
    const start = range.kind === 'partial' ? range.start : 0;
    const end = range.kind === 'partial' ? range.end : size - 1;
    if (range.kind === 'partial') response.writeHead(206, { ...blobHeaders(digest, end - start + 1), 'content-range': `bytes ${start}-${end}/${size}` });
    else response.writeHead(200, blobHeaders(digest, size));
    if (request.method === 'HEAD' || size === 0) {
      await handle.close();
      response.end();
      return true;
    }
    const metrics = this.options.metrics;
    sendBlob({ response, file: handle, stored: { digest, size }, start, end, onBytes: (n) => metrics.inc(METRIC_NAMES.bytesServed, { source: 'cache' }, n) });
    return true;
  }

  private async headUpstream(response: ServerResponse, ctx: UpstreamContext, digest: string): Promise<BlobSource> {
    this.options.metrics.inc(METRIC_NAMES.upstreamRequests, { upstream: ctx.upstream });
    const upstream = await ctx.client.request({ method: 'HEAD', repository: ctx.repository, path: `/blobs/${digest}` });
    drain(upstream);
    if (upstream.statusCode !== 200) throw new UpstreamError(ctx.upstream, 'status', `HEAD blob ${digest} answered ${upstream.statusCode}`, { status: upstream.statusCode });
    const length = Number(upstream.headers['content-length']);
    response.writeHead(200, blobHeaders(digest, Number.isFinite(length) ? length : undefined));
    response.end();
    return 'upstream-head';
  }

  /** Disk full: relay the upstream's answer (with the client's Range) without storing it. */
  private async passThrough(request: IncomingMessage, response: ServerResponse, ctx: UpstreamContext, digest: string): Promise<BlobSource> {
    const { metrics } = this.options;
    metrics.inc(METRIC_NAMES.diskFullPassThroughs);
    metrics.inc(METRIC_NAMES.upstreamRequests, { upstream: ctx.upstream });
    const range = request.headers.range;
    const upstream = await ctx.client.request({ method: 'GET', repository: ctx.repository, path: `/blobs/${digest}`, headers: range ? { range } : {} });
    if (upstream.statusCode !== 200 && upstream.statusCode !== 206) {
      drain(upstream);
      throw new UpstreamError(ctx.upstream, 'status', `GET blob ${digest} answered ${upstream.statusCode}`, { status: upstream.statusCode });
    }
    const length = Number(upstream.headers['content-length']);
    const headers = blobHeaders(digest, Number.isFinite(length) ? length : undefined);
    if (upstream.headers['content-range']) headers['content-range'] = upstream.headers['content-range'];
    response.writeHead(upstream.statusCode, headers);
    upstream.on('data', (chunk: Buffer) => metrics.inc(METRIC_NAMES.bytesServed, { source: 'upstream' }, chunk.length));
    const onDone = (error: Error | null) => {
      if (error) response.destroy();
    };
    if (upstream.statusCode === 200) pipeline(upstream, verifyingRelay(digest), response, onDone);
    else pipeline(upstream, response, onDone);
    return 'passthrough';
  }
}
