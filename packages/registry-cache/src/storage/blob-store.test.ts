import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeClock } from '@seedbed/core';
import { BlobStore, DISK_FULL_RECHECK_MS } from './blob-store.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function digestOf(data: Buffer): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

async function setup(options: { maxBytes?: number; ttlMs?: number; free?: () => number } = {}) {
  const root = mkdtempSync(join(tmpdir(), 'rc-store-'));
  dirs.push(root);
  const clock = new FakeClock();
  const evicted: string[] = [];
  const store = new BlobStore({
    root,
    clock,
    maxBytes: options.maxBytes ?? 0,
    ttlMs: options.ttlMs ?? 0,
    minFreeBytes: 100,
    freeSpace: async () => options.free?.() ?? 1e12,
    onEvict: (d, _s, reason) => evicted.push(`${reason}:${d.slice(7, 11)}`),
  });
  await store.init();
  const put = async (text: string) => {
    const data = Buffer.from(text);
    const temp = store.newTempPath();
    writeFileSync(temp, data);
    expect(await store.reserve(data.length)).toBe(true);
    await store.commit(temp, digestOf(data), data.length);
    store.release(data.length);
    return digestOf(data);
  };
  return { root, clock, store, put, evicted };
}

describe('BlobStore', () => {
  it('cleans temp files left by a killed process and indexes stored blobs', async () => {
    const { root, put } = await setup();
    const digest = await put('hello');
    writeFileSync(join(root, 'tmp', 'leftover.partial'), 'half a blob');
    const again = new BlobStore({ root, maxBytes: 0, ttlMs: 0, minFreeBytes: 0, freeSpace: async () => 1e12 });
    await again.init();
    expect(readdirSync(join(root, 'tmp'))).toEqual([]);
    expect(again.lookup(digest)?.size).toBe(5);
  });

  it('evicts least recently used blobs to stay under the size cap', async () => {
    const { store, put, evicted } = await setup({ maxBytes: 10 });
    const a = await put('aaaa');
    const b = await put('bbbb');
    store.lookup(a); // a is now more recent than b
    const c = await put('cccc');
    expect(store.has(a)).toBe(true);
    expect(store.has(b)).toBe(false);
    expect(store.has(c)).toBe(true);
    expect(evicted).toEqual([`size:${b.slice(7, 11)}`]);
    expect(await store.reserve(11)).toBe(false);
  });

  it('expires blobs unused for longer than the TTL', async () => {
    const { store, put, clock, evicted } = await setup({ ttlMs: 1000 });
    const a = await put('aaaa');
    await clock.advance(600);
    const b = await put('bbbb');
    await clock.advance(600);
    expect(await store.evictExpired()).toBe(1);
    expect(store.has(a)).toBe(false);
    expect(existsSync(store.pathOf(a))).toBe(false);
    expect(store.lookup(b)).toBeDefined();
    expect(evicted).toEqual([`ttl:${a.slice(7, 11)}`]);
  });

  it('stops caching while the disk is full and resumes when space frees', async () => {
    let free = 50;
    const { store, clock } = await setup({ free: () => free });
    expect(await store.reserve(10)).toBe(false);
    expect(store.stats.diskFull).toBe(true);
    free = 1e9;
    expect(await store.canCache()).toBe(false); // not re-checked before the interval
    await clock.advance(DISK_FULL_RECHECK_MS);
    expect(await store.canCache()).toBe(true);
    expect(await store.reserve(10)).toBe(true);
  });

  it('ignores foreign files in the blob directory', async () => {
    const { root } = await setup();
    mkdirSync(join(root, 'blobs', 'sha256'), { recursive: true });
    writeFileSync(join(root, 'blobs', 'sha256', 'not-a-digest'), 'x');
    const store = new BlobStore({ root, maxBytes: 0, ttlMs: 0, minFreeBytes: 0, freeSpace: async () => 1e12 });
    await store.init();
    expect(store.stats.blobs).toBe(0);
  });
});
