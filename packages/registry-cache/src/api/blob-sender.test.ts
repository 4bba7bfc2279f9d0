/**
 * The sender's memory bound: a client that stops reading holds at most
 * MAX_WRITES_IN_FLIGHT pooled buffers (no growing queue in the process),
 * and gets every byte once it reads again; ranges and pool reuse; a herd
 * reading a stored blob shares one read per block.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import http, { type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BufferPool, READ_BUFFER_BYTES } from '../storage/buffer-pool.ts';
import { SharedBlocks } from '../storage/shared-blocks.ts';
import { MAX_WRITES_IN_FLIGHT, sendBlob } from './blob-sender.ts';

class CountingPool extends BufferPool {
  outstanding = 0;
  maxOutstanding = 0;
  allocated = 0;
  override take(): Buffer {
    this.outstanding++;
    this.maxOutstanding = Math.max(this.maxOutstanding, this.outstanding);
    if (this.pooled === 0) this.allocated++;
    return super.take();
  }
  override give(buffer: Buffer): void {
    this.outstanding--;
    super.give(buffer);
  }
}

const SIZE = 32 * 1024 * 1024;
let dir: string;
let path: string;
let data: Buffer;
let server: http.Server;
let url: string;
let pool: CountingPool;
let blocks: SharedBlocks;
let responses: ServerResponse[];

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'rc-sender-'));
  path = join(dir, 'blob');
  data = randomBytes(SIZE);
  writeFileSync(path, data);
  pool = new CountingPool();
  blocks = new SharedBlocks(1024 * 1024, 8);
  responses = [];
  server = http.createServer((request, response) => {
    responses.push(response);
    const [start, end] = String(request.headers['x-range'] ?? `0-${SIZE - 1}`).split('-').map(Number) as [number, number];
    response.writeHead(200, { 'content-length': end - start + 1 });
    const stored = request.headers['x-stored'] ? { digest: 'sha256:test', size: SIZE } : undefined;
    void open(path, 'r').then((file) => sendBlob({ response, file, stored, start, end, pool, blocks }));
  });
  await new Promise<void>((resolve) => server.listen({ host: '127.0.0.1', port: 0 }, resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});

afterEach(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  rmSync(dir, { recursive: true, force: true });
});

function get(headers: Record<string, string> = {}): Promise<http.IncomingMessage> {
  return new Promise((resolve, reject) => http.get(url, { headers, agent: false }, resolve).on('error', reject));
}

function collect(response: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    response.on('data', (chunk: Buffer) => chunks.push(chunk));
    response.on('end', () => resolve(Buffer.concat(chunks)));
    response.on('error', reject);
  });
}

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('sendBlob', () => {
  it('holds at most two buffers for a client that stops reading, and resumes without loss', async () => {
    const response = await get();
    response.pause();
    // long enough for the kernel's socket buffers to fill and the sender to stall
    await new Promise((r) => setTimeout(r, 400));
    expect(pool.outstanding).toBeGreaterThan(0);
    expect(pool.maxOutstanding).toBeLessThanOrEqual(MAX_WRITES_IN_FLIGHT);
    expect(responses[0]!.writableLength).toBeLessThanOrEqual(MAX_WRITES_IN_FLIGHT * READ_BUFFER_BYTES);
    const body = collect(response);
    response.resume();
    expect(sha(await body)).toBe(sha(data));
    expect(pool.maxOutstanding).toBeLessThanOrEqual(MAX_WRITES_IN_FLIGHT);
    await expect.poll(() => pool.outstanding).toBe(0);
  });

  it('sends exact ranges and reuses its buffers across responses', async () => {
    const start = READ_BUFFER_BYTES - 7;
    const end = 3 * READ_BUFFER_BYTES + 11;
    for (let i = 0; i < 4; i++) {
      const body = await collect(await get({ 'x-range': `${start}-${end}` }));
      expect(body.equals(data.subarray(start, end + 1))).toBe(true);
    }
    expect(pool.allocated).toBeLessThanOrEqual(MAX_WRITES_IN_FLIGHT);
    await expect.poll(() => pool.outstanding).toBe(0);
  });

  it('stops reading and releases its buffers when the client goes away', async () => {
    const response = await get();
    response.pause();
    await new Promise((r) => setTimeout(r, 100));
    response.destroy();
    await expect.poll(() => responses[0]!.destroyed).toBe(true);
    await new Promise((r) => setTimeout(r, 100));
    expect(pool.outstanding).toBe(0);
  });
});

describe('sendBlob from a stored blob', () => {
  it('reads each block once for a herd, and sends every client the exact bytes', async () => {
    const bodies = await Promise.all(Array.from({ length: 6 }, async () => collect(await get({ 'x-stored': '1' }))));
    for (const body of bodies) expect(sha(body)).toBe(sha(data));
    // 32 blocks of 1 MiB; a client that fell far behind may read a block again, never one read per client
    expect(blocks.reads).toBeGreaterThanOrEqual(SIZE / (1024 * 1024));
    expect(blocks.reads).toBeLessThan((2 * SIZE) / (1024 * 1024));
    expect(pool.maxOutstanding).toBe(0);
  });

  it('sends exact ranges across block edges', async () => {
    const start = 1024 * 1024 - 3;
    const end = 3 * 1024 * 1024 + 5;
    const body = await collect(await get({ 'x-stored': '1', 'x-range': `${start}-${end}` }));
    expect(body.equals(data.subarray(start, end + 1))).toBe(true);
  });

  it('holds at most two blocks for a client that stops reading; others still get blocks', async () => {
    const stalled = await get({ 'x-stored': '1' });
    stalled.pause();
    await new Promise((r) => setTimeout(r, 400));
    expect(responses[0]!.writableLength).toBeLessThanOrEqual(MAX_WRITES_IN_FLIGHT * 1024 * 1024);
    expect(sha(await collect(await get({ 'x-stored': '1' })))).toBe(sha(data));
    const body = collect(stalled);
    stalled.resume();
    expect(sha(await body)).toBe(sha(data));
  });
});

describe('BufferPool', () => {
  it('reuses buffers, keeps a bounded number and trims what an interval did not need', () => {
    const pool = new BufferPool(1024, 4);
    const taken = Array.from({ length: 6 }, () => pool.take());
    for (const buffer of taken) pool.give(buffer);
    expect(pool.pooled).toBe(4);
    pool.give(Buffer.alloc(10)); // not one of ours
    expect(pool.pooled).toBe(4);
    pool.trim();
    // in use during the next interval: two buffers at once
    const a = pool.take();
    const b = pool.take();
    expect(taken).toContain(a);
    pool.give(a);
    pool.give(b);
    const left = pool.pooled;
    pool.trim();
    expect(pool.pooled).toBe(Math.min(left, 2));
    pool.trim();
    expect(pool.pooled).toBe(0);
  });
});
