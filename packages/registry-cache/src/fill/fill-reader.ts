/**
 * How much of a fill a reader may send: bytes go out as soon as they arrive
 * (from the fill's recent chunks, or from the temp file), but the last byte
 * of a range is held back until the fill is verified, so a client never sees
 * a clean end of a corrupt or truncated body: a failed fill aborts instead.
 */
import { open, type FileHandle } from 'node:fs/promises';
import type { BlobFill } from './blob-fill.ts';

/** The fill's temp file, or the stored blob when the fill completed meanwhile. */
export async function openFill(fill: BlobFill): Promise<FileHandle> {
  try {
    return await open(fill.tempPath, 'r');
  } catch (error) {
    // renamed into place meanwhile, or removed because the fill failed
    if (fill.state === 'done' && fill.finalPath) return open(fill.finalPath, 'r');
    throw fill.error ?? error;
  }
}

export type FillWindow =
  /** Bytes before `limit` may be sent; `final` means the range ends there. */
  | { kind: 'sendable'; limit: number; final: boolean }
  | { kind: 'failed'; error: Error };

/** `last` is the inclusive end of the range; undefined means "to the end of the blob" (its size may be unknown yet). */
export function fillWindow(fill: BlobFill, last: number | undefined): FillWindow {
  if (fill.state === 'failed') return { kind: 'failed', error: fill.error ?? new Error('fill failed') };
  if (fill.state === 'done') {
    if (last !== undefined && last >= fill.written) return { kind: 'failed', error: new Error(`range ends at ${last} beyond the blob's ${fill.written} bytes`) };
    return { kind: 'sendable', limit: last === undefined ? fill.written : last + 1, final: true };
  }
  // everything received, minus the final byte of the range until the fill is verified
  return { kind: 'sendable', limit: last !== undefined ? Math.min(fill.received, last) : fill.received - 1, final: false };
}
