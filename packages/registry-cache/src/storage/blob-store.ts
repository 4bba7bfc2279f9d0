/**
 * Content-addressed blobs on disk: `blobs/sha256/<hex>`, written only by
 * renaming a verified temp file from `tmp/` into place, so a blob file is
 * always complete. `tmp/` is emptied on start (after a crash or kill -9).
 * Keeps an in-memory LRU index for the size cap and the idle TTL, and tracks
 * whether the disk has room, so a full disk turns caching into pass-through
 * until space frees.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, rename, rm, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { systemClock, type Clock } from '@seedbed/core';
import { fileSink, type BlobSinkFactory } from './blob-sink.ts';
import { statfsProbe, type FreeSpaceProbe } from './free-space.ts';

/** After the disk was found full, check free space again at most this often. */
export const DISK_FULL_RECHECK_MS = 1_000;

export interface BlobStoreOptions {
  root: string;
  /** Total bytes the cache may hold; 0 means no cap. */
  maxBytes: number;
  /** Evict blobs not used for this long; 0 disables. */
  ttlMs: number;
  /** Keep at least this much free on the filesystem. */
  minFreeBytes: number;
  clock?: Clock;
  freeSpace?: FreeSpaceProbe;
  sinkFactory?: BlobSinkFactory;
  onEvict?: (digest: string, size: number, reason: 'ttl' | 'size') => void;
}

interface Entry {
  size: number;
  lastUsed: number;
}

export class BlobStore {
  readonly root: string;
  readonly sinkFactory: BlobSinkFactory;
  private readonly options: BlobStoreOptions;
  private readonly clock: Clock;
  private readonly freeSpace: FreeSpaceProbe;
  /** Map order is LRU order: oldest first. */
  private readonly index = new Map<string, Entry>();
  private usedBytes = 0;
  private reservedBytes = 0;
  private diskFullSince?: number;
  private lastSpaceCheck = -Infinity;

  constructor(options: BlobStoreOptions) {
    this.options = options;
    this.root = options.root;
    this.clock = options.clock ?? systemClock;
    this.freeSpace = options.freeSpace ?? statfsProbe(options.root);
    this.sinkFactory = options.sinkFactory ?? fileSink;
  }

  get blobDir(): string {
    return join(this.root, 'blobs', 'sha256');
  }

  get tempDir(): string {
    return join(this.root, 'tmp');
  }

  /** Removes leftovers of an earlier run and indexes the stored blobs (oldest modification first). */
  async init(): Promise<void> {
    await rm(this.tempDir, { recursive: true, force: true });
    await mkdir(this.tempDir, { recursive: true });
    await mkdir(this.blobDir, { recursive: true });
    const found: Array<{ digest: string; size: number; mtime: number }> = [];
    for (const name of await readdir(this.blobDir)) {
      if (!/^[a-f0-9]{64}$/.test(name)) continue;
      const info = await stat(join(this.blobDir, name));
      found.push({ digest: `sha256:${name}`, size: info.size, mtime: info.mtimeMs });
    }
    found.sort((a, b) => a.mtime - b.mtime);
    const wallNow = Date.now();
    for (const blob of found) {
      this.index.set(blob.digest, { size: blob.size, lastUsed: this.clock.now() - Math.max(0, wallNow - blob.mtime) });
      this.usedBytes += blob.size;
    }
  }

  pathOf(digest: string): string {
    return join(this.blobDir, digest.slice('sha256:'.length));
  }

  /** The stored blob, marked as used; undefined when not cached (or expired). */
  lookup(digest: string): { path: string; size: number } | undefined {
    const entry = this.index.get(digest);
    if (!entry) return undefined;
    if (this.options.ttlMs > 0 && this.clock.now() - entry.lastUsed > this.options.ttlMs) {
      void this.remove(digest, 'ttl');
      return undefined;
    }
    entry.lastUsed = this.clock.now();
    this.index.delete(digest);
    this.index.set(digest, entry);
    return { path: this.pathOf(digest), size: entry.size };
  }

  has(digest: string): boolean {
    return this.index.has(digest);
  }

  newTempPath(): string {
    return join(this.tempDir, `${randomBytes(12).toString('hex')}.partial`);
  }

  /** Whether new blobs may be cached right now (false while the disk is known to be full). */
  async canCache(): Promise<boolean> {
    if (this.diskFullSince === undefined) return true;
    if (this.clock.now() - this.lastSpaceCheck < DISK_FULL_RECHECK_MS) return false;
    this.lastSpaceCheck = this.clock.now();
    if ((await this.freeSpace()) >= this.options.minFreeBytes) this.diskFullSince = undefined;
    return this.diskFullSince === undefined;
  }

  /** Records that a write hit ENOSPC; caching pauses until free space is back. */
  markDiskFull(): void {
    this.diskFullSince ??= this.clock.now();
    this.lastSpaceCheck = this.clock.now();
  }

  /**
   * Makes room for `bytes` (evicting least recently used blobs under the size
   * cap) and reserves them; false when the blob cannot be cached now.
   */
  async reserve(bytes: number): Promise<boolean> {
    if (!(await this.canCache())) return false;
    const max = this.options.maxBytes;
    if (max > 0) {
      if (bytes > max) return false;
      await this.evictExpired();
      for (const [digest] of this.index) {
        if (this.usedBytes + this.reservedBytes + bytes <= max) break;
        await this.remove(digest, 'size');
      }
      if (this.usedBytes + this.reservedBytes + bytes > max) return false;
    }
    if ((await this.freeSpace()) - bytes < this.options.minFreeBytes) {
      this.markDiskFull();
      return false;
    }
    this.reservedBytes += bytes;
    return true;
  }

  release(bytes: number): void {
    this.reservedBytes = Math.max(0, this.reservedBytes - bytes);
  }

  /** Moves a verified temp file into place. */
  async commit(tempPath: string, digest: string, size: number): Promise<string> {
    const path = this.pathOf(digest);
    await rename(tempPath, path);
    const previous = this.index.get(digest);
    if (previous) this.usedBytes -= previous.size;
    this.index.delete(digest);
    this.index.set(digest, { size, lastUsed: this.clock.now() });
    this.usedBytes += size;
    return path;
  }

  async discard(tempPath: string): Promise<void> {
    await unlink(tempPath).catch(() => {}); // already gone, or never written: nothing to discard
  }

  /** Removes blobs idle for longer than the TTL. */
  async evictExpired(): Promise<number> {
    if (this.options.ttlMs <= 0) return 0;
    const cutoff = this.clock.now() - this.options.ttlMs;
    let count = 0;
    for (const [digest, entry] of [...this.index]) {
      if (entry.lastUsed >= cutoff) break; // LRU order: the rest are newer
      await this.remove(digest, 'ttl');
      count++;
    }
    return count;
  }

  private async remove(digest: string, reason: 'ttl' | 'size'): Promise<void> {
    const entry = this.index.get(digest);
    if (!entry) return;
    this.index.delete(digest);
    this.usedBytes -= entry.size;
    // readers that have the file open keep reading; the space frees when they close
    await unlink(this.pathOf(digest)).catch(() => {}); // already gone: the index no longer counts it either way
    this.options.onEvict?.(digest, entry.size, reason);
  }

  /** Forgets a blob whose file vanished underneath the cache. */
  forget(digest: string): void {
    const entry = this.index.get(digest);
    if (!entry) return;
    this.index.delete(digest);
    this.usedBytes -= entry.size;
  }

  get stats(): { blobs: number; bytes: number; reservedBytes: number; diskFull: boolean } {
    return { blobs: this.index.size, bytes: this.usedBytes, reservedBytes: this.reservedBytes, diskFull: this.diskFullSince !== undefined };
  }
}
