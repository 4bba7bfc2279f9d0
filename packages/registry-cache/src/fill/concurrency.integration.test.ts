/**
 * One upstream fetch per blob however many clients ask; every waiter streams
 * bytes as they arrive; Range on warm, cold and in-flight blobs; the fill
 * survives the disconnect of the client that started it.
 */
import { randomBytes } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { METRIC_NAMES } from '../metrics/metrics.ts';
import { startCache, type CacheUnderTest } from '../testing/cache-under-test.ts';
import { FaultUpstream } from '../testing/fault-upstream.ts';
import { request } from '../testing/http-client.ts';

const BLOB_BYTES = 1024 * 1024;
let upstream: FaultUpstream;
let cache: CacheUnderTest;
let data: Buffer;
let digest: string;

beforeEach(async () => {
  upstream = await new FaultUpstream().start();
  data = randomBytes(BLOB_BYTES);
  digest = upstream.addBlob(data);
  cache = await startCache({ upstreams: [{ name: 'registry.test', url: upstream.url }] });
});

afterEach(async () => {
  await cache?.stop();
  await upstream?.stop();
});

const blobUrl = () => `${cache.url}/v2/team/app/blobs/${digest}?ns=registry.test`;

describe('blob fills', () => {
  it('fetches once for many concurrent clients, each streaming before the fill completes', async () => {
    upstream.blobFault = { kind: 'slow', chunkBytes: 64 * 1024, delayMs: 25 };
    const responses = await Promise.all(Array.from({ length: 12 }, () => request(blobUrl())));
    expect(upstream.count('GET', '/blobs/')).toBe(1);
    const finished = upstream.blobFinishedAt.get(digest)!;
    for (const response of responses) {
      expect(response.status).toBe(200);
      expect(response.aborted).toBe(false);
      expect(response.body.equals(data)).toBe(true);
      expect(response.firstByteAt!).toBeLessThan(finished);
    }
    expect(cache.server.metrics.get(METRIC_NAMES.misses, { kind: 'blob' })).toBe(1);
    expect(cache.server.metrics.total(METRIC_NAMES.coalesced)).toBe(11);
    const warm = await request(blobUrl());
    expect(warm.body.equals(data)).toBe(true);
    expect(upstream.count('GET', '/blobs/')).toBe(1);
  });

  it('answers Range on cold, in-flight and warm blobs with 206', async () => {
    upstream.blobFault = { kind: 'slow', chunkBytes: 64 * 1024, delayMs: 20 };
    // a cold Range request starts the fill and gets its bytes from it
    const coldPending = request(blobUrl(), { headers: { range: 'bytes=1000-1999' } });
    await new Promise((r) => setTimeout(r, 60));
    expect(cache.server.fills.get(digest)?.state).toBe('filling');
    const inFlightPending = request(blobUrl(), { headers: { range: `bytes=${BLOB_BYTES - 10}-` } });
    const [cold, inFlight] = await Promise.all([coldPending, inFlightPending]);
    expect(cold.status).toBe(206);
    expect(cold.headers['content-range']).toBe(`bytes 1000-1999/${BLOB_BYTES}`);
    expect(cold.body.equals(data.subarray(1000, 2000))).toBe(true);
    expect(inFlight.status).toBe(206);
    expect(inFlight.body.equals(data.subarray(BLOB_BYTES - 10))).toBe(true);
    const warm = await request(blobUrl(), { headers: { range: 'bytes=-16' } });
    expect(warm.status).toBe(206);
    expect(warm.body.equals(data.subarray(BLOB_BYTES - 16))).toBe(true);
    const outside = await request(blobUrl(), { headers: { range: `bytes=${BLOB_BYTES}-` } });
    expect(outside.status).toBe(416);
    expect(upstream.count('GET', '/blobs/')).toBe(1);
  });

  it('completes and stores the fill when the client that started it disconnects', async () => {
    upstream.blobFault = { kind: 'slow', chunkBytes: 64 * 1024, delayMs: 10 };
    const first = await request(blobUrl(), { abortAfterBytes: 64 * 1024 });
    expect(first.aborted).toBe(true);
    await cache.server.fills.get(digest)?.done;
    expect(readdirSync(join(cache.storage, 'blobs', 'sha256'))).toEqual([digest.slice(7)]);
    const again = await request(blobUrl());
    expect(again.body.equals(data)).toBe(true);
    expect(upstream.count('GET', '/blobs/')).toBe(1);
    expect(cache.server.metrics.get(METRIC_NAMES.hits, { kind: 'blob' })).toBe(1);
  });

  it('answers HEAD from an in-flight fill and from the store without fetching again', async () => {
    upstream.blobFault = { kind: 'slow', chunkBytes: 128 * 1024, delayMs: 20 };
    const get = request(blobUrl());
    await new Promise((r) => setTimeout(r, 50));
    const head = await request(blobUrl(), { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers['content-length']).toBe(String(BLOB_BYTES));
    expect(head.headers['docker-content-digest']).toBe(digest);
    await get;
    expect(upstream.count('GET', '/blobs/')).toBe(1);
    expect(upstream.count('HEAD', '/blobs/')).toBe(0);
  });
});
