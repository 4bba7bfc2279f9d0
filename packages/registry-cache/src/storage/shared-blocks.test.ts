/**
 * Shared blocks: one read per block for everyone who wants it meanwhile, a
 * fixed number of buffers (idle ones reused least recently used first,
 * `undefined` when all are held), read errors reach every waiter.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SharedBlocks, type SharedBlock } from './shared-blocks.ts';

const BLOCK = 4096;
let dir: string;
let data: Buffer;
let file: FileHandle;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'rc-blocks-'));
  data = randomBytes(5 * BLOCK + 100);
  writeFileSync(join(dir, 'blob'), data);
  file = await open(join(dir, 'blob'), 'r');
});

afterEach(async () => {
  await file.close();
  rmSync(dir, { recursive: true, force: true });
});

function loaded(block: SharedBlock): Promise<SharedBlock> {
  if (block.loaded) return Promise.resolve(block);
  return new Promise((resolve, reject) => block.whenLoaded((error) => (error ? reject(error) : resolve(block))));
}

describe('SharedBlocks', () => {
  it('reads a block once for all who ask while it loads and after, with the blob bytes', async () => {
    const blocks = new SharedBlocks(BLOCK, 4);
    const a = blocks.acquire('sha256:x', data.length, BLOCK + 10, file.fd)!;
    const b = blocks.acquire('sha256:x', data.length, 2 * BLOCK - 1, file.fd)!;
    expect(b).toBe(a);
    expect(a.loaded).toBe(false);
    await loaded(a);
    const c = blocks.acquire('sha256:x', data.length, BLOCK, file.fd)!;
    expect(c).toBe(a);
    expect(c.loaded).toBe(true);
    expect(blocks.reads).toBe(1);
    expect(a.offset).toBe(BLOCK);
    expect(a.buffer.subarray(0, a.length).equals(data.subarray(BLOCK, 2 * BLOCK))).toBe(true);
    // the last block is as long as the blob's end
    const last = await loaded(blocks.acquire('sha256:x', data.length, data.length - 1, file.fd)!);
    expect(last.length).toBe(100);
    expect(last.buffer.subarray(0, 100).equals(data.subarray(5 * BLOCK))).toBe(true);
    // another key is another block, even at the same offset
    expect(blocks.acquire('other', data.length, BLOCK, file.fd)).not.toBe(a);
  });

  it('keeps at most maxBlocks buffers: reuses the least recently used idle one, refuses while all are held', async () => {
    const blocks = new SharedBlocks(BLOCK, 2);
    const first = await loaded(blocks.acquire('k', data.length, 0, file.fd)!);
    const second = await loaded(blocks.acquire('k', data.length, BLOCK, file.fd)!);
    expect(blocks.acquire('k', data.length, 2 * BLOCK, file.fd)).toBeUndefined();
    blocks.release(second);
    blocks.release(first);
    // `second` was released first, so it is the least recently used
    const third = await loaded(blocks.acquire('k', data.length, 2 * BLOCK, file.fd)!);
    expect(third.buffer).toBe(second.buffer);
    expect(third.buffer.subarray(0, BLOCK).equals(data.subarray(2 * BLOCK, 3 * BLOCK))).toBe(true);
    expect(blocks.size).toBe(2);
    // `first` is still cached
    expect(blocks.acquire('k', data.length, 0, file.fd)).toBe(first);
  });

  it('drops blocks a whole trim interval did not use', async () => {
    const blocks = new SharedBlocks(BLOCK, 4);
    const held = await loaded(blocks.acquire('k', data.length, 0, file.fd)!);
    blocks.release(await loaded(blocks.acquire('k', data.length, BLOCK, file.fd)!));
    blocks.trim();
    expect(blocks.size).toBe(2);
    blocks.trim();
    // the held block stays
    expect(blocks.size).toBe(1);
    blocks.release(held);
    blocks.trim();
    // released just now: used in this interval
    expect(blocks.size).toBe(1);
    blocks.trim();
    expect(blocks.size).toBe(0);
  });

  it('fails every waiter when the file is shorter than promised, and forgets the block', async () => {
    const blocks = new SharedBlocks(BLOCK, 4);
    const beyond = data.length + 2 * BLOCK;
    const a = blocks.acquire('k', beyond, data.length + 10, file.fd)!;
    const b = blocks.acquire('k', beyond, data.length + 20, file.fd)!;
    await expect(loaded(a)).rejects.toThrow(/ended/);
    await expect(loaded(b)).rejects.toThrow(/ended/);
    blocks.release(a);
    blocks.release(b);
    expect(blocks.size).toBe(0);
  });
});
