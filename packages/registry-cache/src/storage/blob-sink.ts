/**
 * Where a fill writes bytes: a new temp file by default. Injectable so tests
 * can make the disk "full" (ENOSPC after N bytes) without filling a disk.
 */
import { open } from 'node:fs/promises';

export interface BlobSink {
  write(chunk: Buffer): Promise<void>;
  close(): Promise<void>;
}

export type BlobSinkFactory = (path: string) => Promise<BlobSink>;

export const fileSink: BlobSinkFactory = async (path) => {
  const handle = await open(path, 'wx', 0o644);
  return {
    async write(chunk) {
      let offset = 0;
      while (offset < chunk.length) {
        const { bytesWritten } = await handle.write(chunk, offset, chunk.length - offset);
        offset += bytesWritten;
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
      async write(chunk) {
        if (written + chunk.length > limit()) {
          throw Object.assign(new Error(`ENOSPC: no space left on device, write ${path}`), { code: 'ENOSPC' });
        }
        written += chunk.length;
        await sink.write(chunk);
      },
      close: () => sink.close(),
    };
  };
}
