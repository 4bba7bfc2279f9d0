/**
 * Manifests: by digest from the store (immutable), by tag through the tag
 * cache, revalidated with a HEAD upstream after the revalidation interval and
 * served stale when the upstream is down. Concurrent fetches of the same
 * manifest are coalesced; 429/5xx answers are never cached.
 */
import { systemClock, type Clock } from '@seedbed/core';
import { METRIC_NAMES, type Metrics } from '../metrics/metrics.ts';
import { sha256Digest, type ManifestStore, type StoredManifest } from '../storage/manifest-store.ts';
import { drain, readBody } from '../upstream/http-send.ts';
import type { UpstreamClient } from '../upstream/upstream-client.ts';
import { UpstreamError } from '../upstream/upstream-error.ts';
import { OciError } from './oci-error.ts';
import { allowsStale, failureReason } from './upstream-failure.ts';

export const MANIFEST_ACCEPT = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.docker.distribution.manifest.v2+json',
].join(', ');

export interface UpstreamContext {
  client: UpstreamClient;
  /** Upstream name (normalised registry host). */
  upstream: string;
  /** Repository as the upstream knows it. */
  repository: string;
}

export type ManifestSource = 'cache' | 'upstream' | 'stale';

export interface ManifestServiceOptions {
  store: ManifestStore;
  metrics: Metrics;
  revalidateMs: number;
  maxBytes: number;
  clock?: Clock;
}

export class ManifestService {
  private readonly options: ManifestServiceOptions;
  private readonly clock: Clock;
  private readonly inFlight = new Map<string, Promise<StoredManifest>>();

  constructor(options: ManifestServiceOptions) {
    this.options = options;
    this.clock = options.clock ?? systemClock;
  }

  async resolve(ctx: UpstreamContext, reference: string, byDigest: boolean): Promise<{ manifest: StoredManifest; source: ManifestSource }> {
    const { store } = this.options;
    if (byDigest) {
      const local = await store.get(reference);
      if (local) return { manifest: local, source: 'cache' };
      return { manifest: await this.fetch(ctx, reference, true), source: 'upstream' };
    }
    const entry = await store.getTag(ctx.upstream, ctx.repository, reference);
    const local = entry ? await store.get(entry.digest) : undefined;
    if (local && entry) {
      if (this.clock.now() - entry.checkedAt < this.options.revalidateMs) return { manifest: local, source: 'cache' };
      try {
        const current = await this.headDigest(ctx, reference);
        if (current === entry.digest) {
          store.confirmTag(ctx.upstream, ctx.repository, reference);
          return { manifest: local, source: 'cache' };
        }
      } catch (error) {
        if (!allowsStale(error)) throw error;
        this.noteError(ctx, error);
        this.options.metrics.inc(METRIC_NAMES.staleServed);
        return { manifest: local, source: 'stale' };
      }
    }
    try {
      return { manifest: await this.fetch(ctx, reference, false), source: 'upstream' };
    } catch (error) {
      if (!local || !allowsStale(error)) throw error;
      this.options.metrics.inc(METRIC_NAMES.staleServed);
      return { manifest: local, source: 'stale' };
    }
  }

  /** The digest the upstream has for a tag now (HEAD); undefined when it does not say. */
  private async headDigest(ctx: UpstreamContext, tag: string): Promise<string | undefined> {
    this.options.metrics.inc(METRIC_NAMES.upstreamRequests, { upstream: ctx.upstream });
    const response = await ctx.client.request({ method: 'HEAD', repository: ctx.repository, path: `/manifests/${tag}`, headers: { accept: MANIFEST_ACCEPT } });
    drain(response);
    if (response.statusCode === 200) {
      const digest = response.headers['docker-content-digest'];
      return typeof digest === 'string' ? digest : undefined;
    }
    throw new UpstreamError(ctx.upstream, 'status', `HEAD manifest ${ctx.repository}:${tag} answered ${response.statusCode}`, { status: response.statusCode });
  }

  private fetch(ctx: UpstreamContext, reference: string, byDigest: boolean): Promise<StoredManifest> {
    const key = `${ctx.upstream}/${ctx.repository}@${reference}`;
    let pending = this.inFlight.get(key);
    if (!pending) {
      pending = this.download(ctx, reference, byDigest).finally(() => this.inFlight.delete(key));
      this.inFlight.set(key, pending);
    }
    return pending;
  }

  private async download(ctx: UpstreamContext, reference: string, byDigest: boolean): Promise<StoredManifest> {
    this.options.metrics.inc(METRIC_NAMES.upstreamRequests, { upstream: ctx.upstream });
    try {
      const response = await ctx.client.request({ method: 'GET', repository: ctx.repository, path: `/manifests/${reference}`, headers: { accept: MANIFEST_ACCEPT } });
      if (response.statusCode !== 200) {
        drain(response);
        throw new UpstreamError(ctx.upstream, 'status', `GET manifest ${ctx.repository}:${reference} answered ${response.statusCode}`, { status: response.statusCode });
      }
      let body: Buffer;
      try {
        body = await readBody(response, this.options.maxBytes);
      } catch (error) {
        throw new OciError(502, 'MANIFEST_INVALID', `manifest ${ctx.repository}:${reference} from ${ctx.upstream}: ${(error as Error).message}`);
      }
      const digest = sha256Digest(body);
      const announced = response.headers['docker-content-digest'];
      if ((byDigest && digest !== reference) || (typeof announced === 'string' && announced.startsWith('sha256:') && announced !== digest)) {
        throw new UpstreamError(ctx.upstream, 'protocol', `manifest ${ctx.repository}:${reference} has digest ${digest}, expected ${byDigest ? reference : announced}`);
      }
      const manifest: StoredManifest = { digest, mediaType: mediaTypeOf(response.headers['content-type'], body), body };
      await this.options.store.put(manifest);
      if (!byDigest) await this.options.store.setTag(ctx.upstream, ctx.repository, reference, digest);
      return manifest;
    } catch (error) {
      this.noteError(ctx, error);
      throw error;
    }
  }

  private noteError(ctx: UpstreamContext, error: unknown): void {
    if (error instanceof UpstreamError && error.status === 404) return;
    this.options.metrics.inc(METRIC_NAMES.upstreamErrors, { upstream: ctx.upstream, reason: failureReason(error) });
  }
}

function mediaTypeOf(contentType: string | undefined, body: Buffer): string {
  const fromHeader = contentType?.split(';')[0]?.trim();
  if (fromHeader && fromHeader !== 'application/json' && fromHeader !== 'text/plain') return fromHeader;
  try {
    const parsed = JSON.parse(body.toString('utf8')) as { mediaType?: unknown };
    if (typeof parsed.mediaType === 'string') return parsed.mediaType;
  } catch {
    // not JSON: keep the header's type
  }
  return fromHeader || 'application/vnd.oci.image.manifest.v1+json';
}
