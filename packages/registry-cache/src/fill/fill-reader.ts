/**
 * Streams a byte range of a blob that is still being filled, by tailing the
 * fill's temp file: bytes go out as soon as they are on disk, so the first
 * byte reaches a client long before the fill completes. The last byte of
 * the range is held back until the fill is verified, so a client never sees
 * a clean end of a corrupt or truncated body: a failed fill aborts the
 * stream instead. Readers that keep up take the newest chunks from memory
 * (shared buffers, no copy); readers that fall behind read the file.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { Readable } from 'node:stream';
import type { BlobFill } from './blob-fill.ts';

export const READ_CHUNK_BYTES = 128 * 1024;

/** `end` is inclusive; undefined means "to the end of the blob" (size may be unknown yet). */
export function readFill(fill: BlobFill, start: number, end: number | undefined, onBytes?: (n: number) => void): Readable {
  return Readable.from(tail(fill, start, end, onBytes), { objectMode: false, highWaterMark: READ_CHUNK_BYTES });
}

async function openFillFile(fill: BlobFill): Promise<FileHandle> {
  try {
    return await open(fill.tempPath, 'r');
  } catch (error) {
    // renamed into place meanwhile, or removed because the fill failed
    if (fill.state === 'done' && fill.finalPath) return open(fill.finalPath, 'r');
    throw fill.error ?? error;
  }
}

async function* tail(fill: BlobFill, start: number, end: number | undefined, onBytes?: (n: number) => void): AsyncGenerator<Buffer> {
  await fill.ready;
  const handle = await openFillFile(fill);
  try {
    let position = start;
    for (;;) {
      if (fill.state === 'failed') throw fill.error ?? new Error('fill failed');
      const last = end ?? (fill.state === 'done' ? fill.written - 1 : undefined);
      if (last !== undefined && position > last) return;
      // everything on disk, minus the final byte of the range until the fill is verified
      const limit =
        fill.state === 'done' ? Math.min(fill.written, (last ?? Infinity) + 1) : last !== undefined ? Math.min(fill.written, last) : fill.written - 1;
      const recent = position < limit ? fill.recentChunkAt(position) : undefined;
      if (recent) {
        // shared, zero-copy: every caught-up reader sends the same buffer
        const slice = recent.data.subarray(position - recent.offset, Math.min(recent.data.length, limit - recent.offset));
        position += slice.length;
        onBytes?.(slice.length);
        yield slice;
        continue;
      }
      if (position < limit) {
        const length = Math.min(READ_CHUNK_BYTES, limit - position);
        const buffer = Buffer.allocUnsafe(length);
        const { bytesRead } = await handle.read(buffer, 0, length, position);
        if (bytesRead === 0) throw new Error(`short read of ${fill.digest} at ${position}`);
        position += bytesRead;
        onBytes?.(bytesRead);
        yield bytesRead === length ? buffer : buffer.subarray(0, bytesRead);
        continue;
      }
      if (fill.state === 'done') {
        if (last === undefined || position > last) return;
        throw new Error(`range ends at ${last} beyond the blob's ${fill.written} bytes`);
      }
      await fill.changed();
    }
  } finally {
    await handle.close();
  }
}
