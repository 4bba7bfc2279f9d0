/**
 * Where a fill writes bytes: a new temp file by default. Injectable so tests
 * can make the disk "full" (ENOSPC after N bytes) without filling a disk.
 * A fill hands over every chunk that arrived while the previous write ran in
 * one `write` call (one writev), so a slow disk means fewer, larger writes.
 */
import { open } from 'node:fs/promises';

export interface BlobSink {
  /** Appends the chunks, in order. */
  write(chunks: Buffer[]): Promise<void>;
  close(): Promise<void>;
}

export type BlobSinkFactory = (path: string) => Promise<BlobSink>;

export const fileSink: BlobSinkFactory = async (path) => {
  const handle = await open(path, 'wx', 0o644);
  return {
    async write(chunks) {
      let pending = chunks;
      while (pending.length > 0) {
        let { bytesWritten } = await handle.writev(pending);
        // a short write: skip what went out and write the rest
        let index = 0;
        while (index < pending.length && bytesWritten >= pending[index]!.length) bytesWritten -= pending[index++]!.length;
        pending = pending.slice(index);
        if (bytesWritten > 0) pending[0] = pending[0]!.subarray(bytesWritten);
      }
    },
    close: () => handle.close(),
  };
};

/** A sink that fails with ENOSPC once `limit` bytes would be exceeded (for tests and quota enforcement). */
export function limitedSink(inner: BlobSinkFactory, limit: () => number): BlobSinkFactory {
  return async (path) => {
    const sink = await inner(path);
    let written = 0;
    return {
      async write(chunks) {
        const bytes = chunks.reduce((sum, chunk) => sum + chunk.length, 0);
        if (written + bytes > limit()) {
          throw Object.assign(new Error(`ENOSPC: no space left on device, write ${path}`), { code: 'ENOSPC' });
        }
        written += bytes;
        await sink.write(chunks);
      },
      close: () => sink.close(),
    };
  };
}
