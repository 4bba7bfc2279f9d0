import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { BlobStore } from '../storage/blob-store.ts';
import { BlobFill, WAKE_BYTES } from './blob-fill.ts';

const CHUNK = 64 * 1024;
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function newStore(): Promise<BlobStore> {
  const root = mkdtempSync(join(tmpdir(), 'rc-fill-'));
  dirs.push(root);
  const store = new BlobStore({ root, maxBytes: 0, ttlMs: 0, minFreeBytes: 0, freeSpace: async () => 1e12 });
  await store.init();
  return store;
}

/** An upstream response the test writes into, one chunk per event-loop turn like a socket. */
function upstreamResponse(size: number): PassThrough & Pick<IncomingMessage, 'statusCode' | 'headers'> {
  return Object.assign(new PassThrough(), { statusCode: 200, headers: { 'content-length': String(size) } });
}

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

/** Counts wake-ups the way a reader waiting for more bytes sees them. */
function countWakes(fill: BlobFill): { wakes: number; bytesSeen: number[] } {
  const seen = { wakes: 0, bytesSeen: [] as number[] };
  const listen = () =>
    fill.once(() => {
      seen.wakes++;
      seen.bytesSeen.push(fill.received);
      if (fill.state !== 'done' && fill.state !== 'failed') listen();
    });
  listen();
  return seen;
}

describe('BlobFill', () => {
  it('wakes waiting readers once per WAKE_BYTES of progress, not once per chunk, and stores the verified blob', async () => {
    const store = await newStore();
    const data = randomBytes(4 * WAKE_BYTES);
    const digest = `sha256:${createHash('sha256').update(data).digest('hex')}`;
    const response = upstreamResponse(data.length);
    const fill = new BlobFill(digest, 'test', store.newTempPath());
    const run = fill.run(async () => response as unknown as IncomingMessage, store);
    await fill.ready;
    const seen = countWakes(fill);
    for (let offset = 0; offset < data.length; offset += CHUNK) {
      response.write(data.subarray(offset, offset + CHUNK));
      await nextTurn();
    }
    response.end();
    await run;
    expect(fill.state).toBe('done');
    expect(readFileSync(fill.finalPath!).equals(data)).toBe(true);
    // 64 chunks, each in its own turn: one wake-up per chunk before; now one per MiB plus the completion
    expect(seen.wakes).toBeLessThanOrEqual(data.length / WAKE_BYTES + 2);
    expect(seen.wakes).toBeGreaterThanOrEqual(data.length / WAKE_BYTES);
  });

  it('still wakes readers soon when bytes trickle in below WAKE_BYTES', async () => {
    const store = await newStore();
    const data = Buffer.from('a few bytes from a slow upstream');
    const digest = `sha256:${createHash('sha256').update(data).digest('hex')}`;
    const response = upstreamResponse(data.length);
    const fill = new BlobFill(digest, 'test', store.newTempPath());
    const run = fill.run(async () => response as unknown as IncomingMessage, store);
    await fill.ready;
    const woken = new Promise<number>((resolve) => fill.once(() => resolve(fill.received)));
    const started = performance.now();
    response.write(data.subarray(0, 10));
    expect(await woken).toBe(10);
    expect(performance.now() - started).toBeLessThan(1_000);
    response.end(data.subarray(10));
    await run;
    expect(fill.state).toBe('done');
  });
});
