/**
 * Memory stays bounded whoever is slow: a stalled client holds back neither
 * the fill nor the other clients (it reads the file later), and a slow disk
 * pauses the upstream instead of piling chunks up in memory.
 */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { fileSink, type BlobSinkFactory } from '../storage/blob-sink.ts';
import { startCache, type CacheUnderTest } from '../testing/cache-under-test.ts';
import { FaultUpstream } from '../testing/fault-upstream.ts';
import { request } from '../testing/http-client.ts';
import { MAX_UNWRITTEN_BYTES, RECENT_CHUNK_BYTES } from './blob-fill.ts';

const BLOB_BYTES = 24 * 1024 * 1024;
let upstream: FaultUpstream | undefined;
let cache: CacheUnderTest | undefined;

afterEach(async () => {
  await cache?.stop();
  await upstream?.stop();
  cache = upstream = undefined;
});

async function setup(sinkFactory?: BlobSinkFactory): Promise<{ data: Buffer; url: string; digest: string }> {
  upstream = await new FaultUpstream().start();
  const data = randomBytes(BLOB_BYTES);
  const digest = upstream.addBlob(data);
  cache = await startCache({ upstreams: [{ name: 'registry.test', url: upstream.url }] }, { sinkFactory });
  return { data, digest, url: `${cache.url}/v2/team/app/blobs/${digest}?ns=registry.test` };
}

/** A GET whose body is not read until `resume()`. */
function stalledGet(url: string): Promise<{ resume(): Promise<Buffer> }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent: false }, (response) => {
        response.pause();
        resolve({
          resume: () =>
            new Promise((done, fail) => {
              const chunks: Buffer[] = [];
              response.on('data', (c: Buffer) => chunks.push(c));
              response.on('end', () => (response.complete ? done(Buffer.concat(chunks)) : fail(new Error('incomplete'))));
              response.on('error', fail);
              response.resume();
            }),
        });
      })
      .on('error', reject);
  });
}

describe('bounded memory', () => {
  it('completes the fill and serves other clients while one client does not read', async () => {
    const { data, url, digest } = await setup();
    upstream!.blobFault = { kind: 'slow', chunkBytes: 1024 * 1024, delayMs: 5 };
    const stalled = await stalledGet(url);
    const others = await Promise.all(Array.from({ length: 3 }, () => request(url)));
    for (const other of others) expect(other.body.equals(data)).toBe(true);
    // the fill finished (and was stored) while the stalled client still had most of the blob to read
    await expect.poll(() => cache!.server.fills.get(digest)).toBeUndefined();
    expect(cache!.server.store.has(digest)).toBe(true);
    expect((await stalled.resume()).equals(data)).toBe(true);
    expect(upstream!.count('GET', '/blobs/')).toBe(1);
  });

  it('pauses the upstream while the disk is slow, keeping the in-memory window bounded', async () => {
    let writes = 0;
    const slowDisk: BlobSinkFactory = async (path) => {
      const sink = await fileSink(path);
      return {
        async write(chunks) {
          writes++;
          await new Promise((r) => setTimeout(r, 20));
          await sink.write(chunks);
        },
        close: () => sink.close(),
      };
    };
    const { data, url, digest } = await setup(slowDisk);
    let maxWindow = 0;
    let maxUnwritten = 0;
    const sampler = setInterval(() => {
      const fill = cache!.server.fills.get(digest);
      if (!fill) return;
      maxWindow = Math.max(maxWindow, fill.recent.reduce((sum, c) => sum + c.data.length, 0));
      maxUnwritten = Math.max(maxUnwritten, fill.received - fill.written);
    }, 2);
    const response = await request(url);
    clearInterval(sampler);
    expect(response.body.equals(data)).toBe(true);
    // one socket read of slack past the pause threshold
    expect(maxUnwritten).toBeGreaterThan(0);
    expect(maxUnwritten).toBeLessThanOrEqual(MAX_UNWRITTEN_BYTES + 1024 * 1024);
    expect(maxWindow).toBeLessThanOrEqual(RECENT_CHUNK_BYTES + MAX_UNWRITTEN_BYTES + 2 * 1024 * 1024);
    // chunks that arrived during a write went out together
    expect(writes).toBeLessThan(BLOB_BYTES / (64 * 1024));
  });
});
