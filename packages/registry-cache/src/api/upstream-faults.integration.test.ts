/** Faults of the upstream and of the disk, against a loopback upstream that injects them. */
import { randomBytes } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeClock } from '@seedbed/core';
import { METRIC_NAMES } from '../metrics/metrics.ts';
import { fileSink, limitedSink } from '../storage/blob-sink.ts';
import { DISK_FULL_RECHECK_MS } from '../storage/blob-store.ts';
import { startCache, type CacheUnderTest } from '../testing/cache-under-test.ts';
import { FaultUpstream } from '../testing/fault-upstream.ts';
import { request } from '../testing/http-client.ts';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setup(values: Record<string, unknown> = {}, deps: Parameters<typeof startCache>[1] = {}) {
  const upstream = await new FaultUpstream().start();
  cleanups.push(() => upstream.stop());
  const cache = await startCache({ upstreams: [{ name: 'registry.test', url: upstream.url }], ...values }, deps);
  cleanups.push(() => cache.stop());
  const data = randomBytes(256 * 1024);
  const image = upstream.addImage('team/app', 'v1', [data]);
  const digest = image.layerDigests[0]!;
  const blobUrl = `${cache.url}/v2/team/app/blobs/${digest}?ns=registry.test`;
  return { upstream, cache, data, digest, blobUrl, image };
}

function stored(cache: CacheUnderTest): string[] {
  return [...readdirSync(join(cache.storage, 'blobs', 'sha256')), ...readdirSync(join(cache.storage, 'tmp'))];
}

describe('upstream faults', () => {
  it('aborts the client when the upstream resets mid-stream, stores nothing, and serves Range on the retry', async () => {
    const { upstream, cache, data, blobUrl } = await setup();
    upstream.blobFault = { kind: 'reset', atBytes: 100_000 };
    const broken = await request(blobUrl);
    expect(broken.status).toBe(200);
    expect(broken.aborted).toBe(true);
    expect(broken.body.length).toBeLessThan(data.length);
    expect(stored(cache)).toEqual([]);
    upstream.blobFault = { kind: 'none' };
    const resumed = await request(blobUrl, { headers: { range: `bytes=${broken.body.length}-` } });
    expect(resumed.status).toBe(206);
    expect(Buffer.concat([broken.body, resumed.body]).equals(data)).toBe(true);
  });

  it('aborts the client on same-length corrupted bytes and stores nothing', async () => {
    const { upstream, cache, data, blobUrl } = await setup();
    upstream.blobFault = { kind: 'corrupt' };
    const corrupt = await request(blobUrl);
    expect(corrupt.aborted).toBe(true);
    expect(corrupt.body.length).toBeLessThan(data.length);
    expect(stored(cache)).toEqual([]);
    expect(cache.server.metrics.get(METRIC_NAMES.upstreamErrors, { upstream: 'registry.test', reason: 'protocol' })).toBe(1);
  });

  it('never caches 429 or 5xx answers', async () => {
    const { upstream, cache, blobUrl, data } = await setup();
    upstream.blobFault = { kind: 'status', status: 429 };
    expect((await request(blobUrl)).status).toBe(429);
    upstream.blobFault = { kind: 'status', status: 503 };
    expect((await request(blobUrl)).status).toBe(502);
    upstream.manifestStatus = 500;
    expect((await request(`${cache.url}/v2/team/app/manifests/v1?ns=registry.test`)).status).toBe(502);
    upstream.blobFault = { kind: 'none' };
    upstream.manifestStatus = undefined;
    expect((await request(blobUrl)).body.equals(data)).toBe(true);
    expect(upstream.count('GET', '/blobs/')).toBe(3);
    expect((await request(`${cache.url}/v2/team/app/manifests/v1?ns=registry.test`)).status).toBe(200);
  });

  it('serves cached content when the upstream is down and fails uncached requests fast', async () => {
    const { upstream, cache, blobUrl, data, image } = await setup({ tagRevalidateSeconds: 0 });
    expect((await request(`${cache.url}/v2/team/app/manifests/v1?ns=registry.test`)).status).toBe(200);
    expect((await request(blobUrl)).status).toBe(200);
    const other = upstream.addBlob(randomBytes(1000));
    await upstream.stop();
    const manifest = await request(`${cache.url}/v2/team/app/manifests/v1?ns=registry.test`);
    expect(manifest.status).toBe(200);
    expect(manifest.headers['docker-content-digest']).toBe(image.manifestDigest);
    expect(cache.server.metrics.total(METRIC_NAMES.staleServed)).toBe(1);
    expect((await request(blobUrl)).body.equals(data)).toBe(true);
    for (const path of [`blobs/${other}`, 'manifests/v2']) {
      const started = performance.now();
      const miss = await request(`${cache.url}/v2/team/app/${path}?ns=registry.test`);
      expect(performance.now() - started).toBeLessThan(500);
      expect(miss.status).toBe(503);
      expect(JSON.parse(miss.body.toString()).errors[0].code).toBe('UNAVAILABLE');
    }
  });

  it('revalidates tags after the interval and follows a moved tag', async () => {
    const clock = new FakeClock();
    const { upstream, cache, image } = await setup({ tagRevalidateSeconds: 60 }, { clock });
    const url = `${cache.url}/v2/team/app/manifests/v1?ns=registry.test`;
    expect((await request(url)).headers['docker-content-digest']).toBe(image.manifestDigest);
    const moved = upstream.addImage('team/app', 'v1', [randomBytes(10)]);
    expect((await request(url)).headers['docker-content-digest']).toBe(image.manifestDigest);
    expect(upstream.count('HEAD', '/manifests/')).toBe(0);
    await clock.advance(61_000);
    expect((await request(url)).headers['docker-content-digest']).toBe(moved.manifestDigest);
    expect(upstream.count('HEAD', '/manifests/')).toBe(1);
    // unchanged: a HEAD suffices, no second GET
    await clock.advance(61_000);
    expect((await request(url)).headers['docker-content-digest']).toBe(moved.manifestDigest);
    expect(upstream.count('GET', '/manifests/')).toBe(2);
  });

  it('refuses manifests over the size limit', async () => {
    const { upstream, cache } = await setup({ maxManifestBytes: 4096 });
    upstream.manifests.set('team/big:v1', { body: Buffer.from(JSON.stringify({ schemaVersion: 2, pad: 'x'.repeat(10_000) })), mediaType: 'application/vnd.oci.image.manifest.v1+json' });
    const response = await request(`${cache.url}/v2/team/big/manifests/v1?ns=registry.test`);
    expect(response.status).toBe(502);
    expect(JSON.parse(response.body.toString()).errors[0].code).toBe('MANIFEST_INVALID');
  });
});

describe('disk full', () => {
  it('passes blobs through uncached while the disk is full and caches again once space frees', async () => {
    const clock = new FakeClock();
    let quota = 100_000;
    let free = 1e12;
    const { upstream, cache, data, blobUrl } = await setup({}, { clock, sinkFactory: limitedSink(fileSink, () => quota), freeSpace: async () => free });
    // ENOSPC in the middle of a fill: that client is aborted (it resumes with Range), nothing is stored
    const first = await request(blobUrl);
    expect(first.aborted).toBe(true);
    expect(stored(cache)).toEqual([]);
    free = 0;
    // later requests pass through, complete and verified, with a metric
    const passed = await request(blobUrl);
    expect(passed.aborted).toBe(false);
    expect(passed.body.equals(data)).toBe(true);
    const ranged = await request(blobUrl, { headers: { range: 'bytes=10-19' } });
    expect(ranged.status).toBe(206);
    expect(ranged.body.equals(data.subarray(10, 20))).toBe(true);
    expect(cache.server.metrics.total(METRIC_NAMES.diskFullPassThroughs)).toBe(2);
    expect(stored(cache)).toEqual([]);
    // space is back: after the re-check interval the blob is cached
    quota = Infinity;
    free = 1e12;
    await clock.advance(DISK_FULL_RECHECK_MS);
    expect((await request(blobUrl)).body.equals(data)).toBe(true);
    expect(readdirSync(join(cache.storage, 'blobs', 'sha256'))).toHaveLength(1);
    const before = upstream.count('GET', '/blobs/');
    expect((await request(blobUrl)).body.equals(data)).toBe(true);
    expect(upstream.count('GET', '/blobs/')).toBe(before);
  });
});
