/**
 * Streams a byte range of a stored blob, or of a blob that is still being
 * filled, to a response — without Node streams in between: file bytes are
 * read in 1 MiB blocks shared by every response reading the same part of the
 * blob at about the same time (shared-blocks.ts), or, when all blocks are
 * busy and for the unfinished tail of a fill, into pooled 128 KiB buffers
 * (buffer-pool.ts), and written straight to the response; bytes a fill has
 * in memory (its recent chunks) are written from the shared buffers, all
 * that arrived meanwhile in one corked write. Each response has at most
 * MAX_WRITES_IN_FLIGHT writes the socket has not taken yet (one for recent
 * chunks, which need no read to overlap), so memory per client is bounded (a
 * slow client holds two buffers or blocks, never a growing queue) and the
 * next read overlaps the previous write.
 *
 * A reader that keeps up with a fill is woken by the fill itself (no
 * promise per chunk); one that falls behind the recent window reads the
 * file. A failed fill, a read error or a vanished client destroys the
 * response, never ends it cleanly.
 */
import { read } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import type { BlobFill } from '../fill/blob-fill.ts';
import { fillWindow } from '../fill/fill-reader.ts';
import { readBuffers, type BufferPool } from '../storage/buffer-pool.ts';
import { sharedBlocks, type SharedBlock, type SharedBlocks } from '../storage/shared-blocks.ts';

export const MAX_WRITES_IN_FLIGHT = 2;
/** Recent fill chunks are coalesced into one corked write up to this size. */
export const MAX_RECENT_WRITE_BYTES = 1024 * 1024;

export interface BlobSendOptions {
  response: ServerResponse;
  /** The stored blob, or the fill's temp file (see openFill). Closed by the sender. */
  file: FileHandle;
  /** Set while the blob is being filled. */
  fill?: BlobFill;
  /** The blob's digest and size when `file` is a stored (verified) blob; its blocks are shared under the digest. */
  stored?: { digest: string; size: number };
  start: number;
  /** Inclusive; undefined means "to the end of the fill" (only with a fill whose size is unknown). */
  end: number | undefined;
  onBytes?: (bytes: number) => void;
  pool?: BufferPool;
  blocks?: SharedBlocks;
}

/** Starts streaming; the response ends (or is destroyed) when done. */
export function sendBlob(options: BlobSendOptions): void {
  new BlobSender(options).pump();
}

class BlobSender {
  private readonly options: BlobSendOptions;
  private readonly pool: BufferPool;
  private readonly blocks: SharedBlocks;
  private position: number;
  private inFlight = 0;
  private reading = false;
  private finished = false;
  private fileClosed = false;
  private readonly onFillChange = () => this.pump();
  private readonly onWritten = (error?: Error | null) => {
    this.inFlight--;
    if (!error) this.pump();
  };

  constructor(options: BlobSendOptions) {
    this.options = options;
    this.pool = options.pool ?? readBuffers;
    this.blocks = options.blocks ?? sharedBlocks;
    this.position = options.start;
    // a client that left while the file was being opened
    if (options.response.destroyed) this.finish();
    else options.response.once('close', () => this.finish());
  }

  pump(): void {
    const { fill, response } = this.options;
    while (!this.finished && !this.reading && this.inFlight < MAX_WRITES_IN_FLIGHT) {
      let limit: number;
      let final = true;
      if (fill) {
        const window = fillWindow(fill, this.options.end);
        if (window.kind === 'failed') return this.abort();
        limit = window.limit;
        final = window.final;
      } else {
        limit = this.options.end! + 1;
      }
      if (this.position >= limit) {
        if (final) {
          response.end();
          return this.finish();
        }
        fill!.once(this.onFillChange);
        return;
      }
      const chunk = fill?.recentChunkAt(this.position);
      if (chunk) {
        // the chunks that arrive while this write runs go out together with the next one
        if (this.inFlight > 0) return;
        this.writeRecent(fill!, limit);
        continue;
      }
      // not in memory: on disk (a fill keeps every byte in `recent` until it is written)
      const onDisk = fill && fill.state !== 'done' ? Math.min(limit, fill.written) : limit;
      if (this.position >= onDisk) {
        fill!.once(this.onFillChange);
        return;
      }
      if (!this.readShared(limit)) this.readFile(Math.min(this.pool.bufferBytes, onDisk - this.position));
    }
  }

  /** Writes the recent chunks from `position` (up to `limit`) in one corked batch. */
  private writeRecent(fill: BlobFill, limit: number): void {
    const { response } = this.options;
    const recent = fill.recent;
    let index = recent.length - 1;
    while (index > 0 && recent[index]!.offset > this.position) index--;
    const slices: Buffer[] = [];
    let bytes = 0;
    for (; index < recent.length && this.position + bytes < limit && bytes < MAX_RECENT_WRITE_BYTES; index++) {
      const { offset, data } = recent[index]!;
      const from = this.position + bytes - offset;
      const to = Math.min(data.length, limit - offset);
      slices.push(from === 0 && to === data.length ? data : data.subarray(from, to));
      bytes += to - from;
    }
    this.position += bytes;
    this.inFlight++;
    this.options.onBytes?.(bytes);
    if (slices.length === 1) {
      response.write(slices[0], this.onWritten);
      return;
    }
    response.cork();
    for (let i = 0; i < slices.length - 1; i++) response.write(slices[i]);
    response.write(slices[slices.length - 1], this.onWritten);
    response.uncork();
  }

  /**
   * Sends from the shared block holding `position`, if the bytes there are
   * final: a stored blob, a completed fill (both verified, shared under the
   * digest), or a whole block a running fill has on disk (shared under its
   * temp file, so unverified bytes never reach another fill's readers).
   * False when the block cannot be shared or every block is busy.
   */
  private readShared(limit: number): boolean {
    const { fill, stored, file } = this.options;
    let key: string;
    let end: number;
    if (stored) {
      key = stored.digest;
      end = stored.size;
    } else if (fill?.state === 'done') {
      key = fill.digest;
      end = fill.written;
    } else if (fill) {
      key = fill.tempPath;
      end = fill.written - (fill.written % this.blocks.blockBytes);
      if (this.position >= end) return false;
    } else {
      return false;
    }
    const block = this.blocks.acquire(key, end, this.position, file.fd);
    if (!block) return false;
    if (block.loaded) {
      this.writeBlock(block, limit);
      return true;
    }
    this.reading = true;
    block.whenLoaded((error) => {
      this.reading = false;
      if (this.finished || error) {
        this.blocks.release(block);
        return this.finished ? this.closeFile() : this.abort();
      }
      this.writeBlock(block, limit);
      this.pump();
    });
    return true;
  }

  private writeBlock(block: SharedBlock, limit: number): void {
    const from = this.position - block.offset;
    const to = Math.min(block.length, limit - block.offset);
    this.position += to - from;
    this.inFlight++;
    this.options.onBytes?.(to - from);
    this.options.response.write(block.buffer.subarray(from, to), (error) => {
      this.blocks.release(block);
      this.onWritten(error);
    });
  }

  private readFile(length: number): void {
    const buffer = this.pool.take();
    this.reading = true;
    read(this.options.file.fd, buffer, 0, length, this.position, (error, bytesRead) => {
      this.reading = false;
      if (this.finished) {
        this.pool.give(buffer);
        return this.closeFile();
      }
      if (error || bytesRead === 0) {
        this.pool.give(buffer);
        return this.abort();
      }
      this.position += bytesRead;
      this.inFlight++;
      this.options.onBytes?.(bytesRead);
      this.options.response.write(bytesRead === buffer.length ? buffer : buffer.subarray(0, bytesRead), (writeError) => {
        this.pool.give(buffer);
        this.onWritten(writeError);
      });
      this.pump();
    });
  }

  private abort(): void {
    this.options.response.destroy();
    this.finish();
  }

  private finish(): void {
    if (this.finished) return;
    this.finished = true;
    this.options.fill?.off(this.onFillChange);
    if (!this.reading) this.closeFile();
  }

  private closeFile(): void {
    if (this.fileClosed) return;
    this.fileClosed = true;
    this.options.file.close().catch(() => {}); // read-only handle: a close error loses nothing
  }
}
