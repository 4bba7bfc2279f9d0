/**
 * Blob bytes read from disk once for every response that reads the same
 * part of the same blob at about the same time. A herd of clients pulling
 * one blob (a fill that outran its readers, or many nodes pulling one warm
 * image) reads each 1 MiB block with one `pread` and writes that one buffer
 * to every socket, instead of one read and copy per client: on a cache that
 * serves from the page cache, that copy costs as much CPU as the socket
 * write.
 *
 * The caller picks the key: the digest only for verified bytes (stored
 * blobs, completed fills), the fill's temp file for whole blocks a running
 * fill has on disk, so unverified bytes never reach another fill's readers
 * (see blob-sender.ts).
 *
 * Memory is bounded process-wide: at most `maxBlocks` buffers exist; a block
 * is reused once no write holds it (least recently used first), and
 * `acquire` says `undefined` when every block is busy, so the caller reads
 * into a buffer of its own. Blocks unused for a whole trim interval are
 * dropped, so an idle cache shrinks again.
 */
import { read } from 'node:fs';

export const BLOCK_BYTES = 1024 * 1024;
/** 16 MiB process-wide. */
export const MAX_BLOCKS = 16;
export const BLOCK_TRIM_INTERVAL_MS = 10_000;

export type BlockCallback = (error?: Error) => void;

export class SharedBlock {
  readonly key: string;
  /** Offset of the block's first byte in the blob. */
  readonly offset: number;
  readonly buffer: Buffer;
  /** Bytes of `buffer` holding the blob (less than BLOCK_BYTES only at the end of a blob). */
  readonly length: number;
  loaded = false;
  /** Set when the read failed. */
  error?: Error;
  /** Responses holding the block (waiting for it, or writing from it). */
  users = 0;
  /** Used since the last trim. */
  recentlyUsed = true;
  waiters: BlockCallback[] = [];

  constructor(key: string, offset: number, buffer: Buffer, length: number) {
    this.key = key;
    this.offset = offset;
    this.buffer = buffer;
    this.length = length;
  }

  /** Calls back (never synchronously) once the block is read, or with the error when the read failed. */
  whenLoaded(callback: BlockCallback): void {
    if (this.loaded || this.error) {
      const error = this.error;
      setImmediate(() => callback(error));
    } else {
      this.waiters.push(callback);
    }
  }
}

export class SharedBlocks {
  readonly blockBytes: number;
  private readonly maxBlocks: number;
  /** Map order is LRU order for the blocks nobody holds. */
  private readonly blocks = new Map<string, SharedBlock>();
  private trimTimer?: NodeJS.Timeout;
  /** Reads issued (for tests and metrics): one per block load. */
  reads = 0;

  constructor(blockBytes = BLOCK_BYTES, maxBlocks = MAX_BLOCKS) {
    this.blockBytes = blockBytes;
    this.maxBlocks = maxBlocks;
  }

  /**
   * Holds the block of `key` (a blob whose first `end` bytes are final on
   * disk) that contains `position`, and starts reading it from `fd` unless it
   * is in memory or on its way: wait for it with whenLoaded() unless it is
   * `loaded`. Every acquire that returns a block needs one release().
   * Undefined when every block is busy: read privately then.
   */
  acquire(key: string, end: number, position: number, fd: number): SharedBlock | undefined {
    const offset = position - (position % this.blockBytes);
    const blockKey = `${key}@${offset}`;
    let block = this.blocks.get(blockKey);
    if (!block) {
      const buffer = this.bufferForNewBlock();
      if (!buffer) return undefined;
      block = new SharedBlock(blockKey, offset, buffer, Math.min(this.blockBytes, end - offset));
      this.blocks.set(blockKey, block);
      this.load(block, fd);
    }
    block.users++;
    this.touch(block);
    return block;
  }

  release(block: SharedBlock): void {
    block.users--;
    this.touch(block);
  }

  get size(): number {
    return this.blocks.size;
  }

  private touch(block: SharedBlock): void {
    block.recentlyUsed = true;
    // re-insert: the Map's order is the order of last use
    if (this.blocks.get(block.key) === block) {
      this.blocks.delete(block.key);
      this.blocks.set(block.key, block);
    }
    this.trimTimer ??= setInterval(() => this.trim(), BLOCK_TRIM_INTERVAL_MS).unref();
  }

  /** A new buffer while the budget allows, else the buffer of the least recently used idle block. */
  private bufferForNewBlock(): Buffer | undefined {
    if (this.blocks.size < this.maxBlocks) return Buffer.allocUnsafeSlow(this.blockBytes);
    for (const block of this.blocks.values()) {
      if (block.users === 0 && block.loaded) {
        this.blocks.delete(block.key);
        return block.buffer;
      }
    }
    return undefined;
  }

  private load(block: SharedBlock, fd: number): void {
    this.reads++;
    const readFrom = (done: number) =>
      read(fd, block.buffer, done, block.length - done, block.offset + done, (error, bytesRead) => {
        if (!error && bytesRead === 0) error = new Error(`blob file ended at ${block.offset + done}, expected ${block.offset + block.length} bytes`);
        if (error) return this.settle(block, error);
        if (done + bytesRead < block.length) return readFrom(done + bytesRead);
        block.loaded = true;
        this.settle(block);
      });
    readFrom(0);
  }

  private settle(block: SharedBlock, error?: Error): void {
    // a failed block is forgotten; its holders still release it
    block.error = error;
    if (error && this.blocks.get(block.key) === block) this.blocks.delete(block.key);
    const waiters = block.waiters;
    block.waiters = [];
    for (const waiter of waiters) waiter(error);
  }

  /** Drops the idle blocks nobody used since the last trim. */
  trim(): void {
    for (const block of [...this.blocks.values()]) {
      if (block.users === 0 && block.loaded && !block.recentlyUsed) this.blocks.delete(block.key);
      block.recentlyUsed = false;
    }
    if (this.blocks.size === 0 && this.trimTimer) {
      clearInterval(this.trimTimer);
      this.trimTimer = undefined;
    }
  }
}

/** The process-wide blocks the blob senders share. */
export const sharedBlocks = new SharedBlocks();
