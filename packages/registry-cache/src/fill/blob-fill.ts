/**
 * One upstream download of one blob, shared by every client that asks for it
 * meanwhile. Bytes are hashed while they stream into a temp file; readers
 * tail that file as it grows (see fill-reader.ts). The blob is renamed into
 * the store only after its sha256 matches; on a mismatch, a reset or a short
 * body the fill fails, readers are aborted and nothing is stored. The fill
 * does not depend on any client: it completes when they all disconnect.
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { BlobStore } from '../storage/blob-store.ts';
import type { BlobSink } from '../storage/blob-sink.ts';
import { DiskFullError, isNoSpace } from '../storage/disk-full-error.ts';
import { drain } from '../upstream/http-send.ts';
import { UpstreamError } from '../upstream/upstream-error.ts';

export type FillState = 'starting' | 'filling' | 'done' | 'failed';

/** The newest bytes of a fill stay in memory (shared by every reader) so caught-up readers need no file reads. */
export const RECENT_CHUNK_BYTES = 4 * 1024 * 1024;

export class BlobFill {
  readonly digest: string;
  readonly upstream: string;
  readonly tempPath: string;
  state: FillState = 'starting';
  /** Total size from the upstream's Content-Length, when it sent one. */
  size?: number;
  /** Bytes written to the temp file so far (readable by tailing readers). */
  written = 0;
  error?: Error;
  finalPath?: string;
  /** The most recently written chunks (at most RECENT_CHUNK_BYTES), oldest first. */
  readonly recent: Array<{ offset: number; data: Buffer }> = [];
  private recentBytes = 0;
  /** Resolves once the upstream answered 200 and the temp file exists; rejects when the fill cannot start. */
  readonly ready: Promise<void>;
  /** Settles when the fill is complete (resolves) or failed (rejects). */
  readonly done: Promise<void>;
  private notify!: () => void;
  private changedPromise!: Promise<void>;
  private resolveReady!: () => void;
  private rejectReady!: (error: Error) => void;

  constructor(digest: string, upstream: string, tempPath: string) {
    this.digest = digest;
    this.upstream = upstream;
    this.tempPath = tempPath;
    this.ready = new Promise((resolve, reject) => {
      this.resolveReady = resolve;
      this.rejectReady = reject;
    });
    this.ready.catch(() => {});
    this.done = new Promise((resolve, reject) => {
      this.newTick();
      void this.ready.catch(reject);
      this.finish = (error) => (error ? reject(error) : resolve());
    });
    this.done.catch(() => {});
  }

  private finish!: (error?: Error) => void;

  /** Resolves at the next progress (bytes written) or state change. */
  changed(): Promise<void> {
    return this.changedPromise;
  }

  private newTick(): void {
    this.changedPromise = new Promise((resolve) => {
      this.notify = resolve;
    });
  }

  private tick(): void {
    const notify = this.notify;
    this.newTick();
    notify();
  }

  /** Downloads the blob: `open` sends the upstream request. */
  async run(open: () => Promise<IncomingMessage>, store: BlobStore): Promise<void> {
    let response: IncomingMessage;
    try {
      response = await open();
    } catch (error) {
      return this.fail(error as Error);
    }
    if (response.statusCode !== 200) {
      drain(response);
      return this.fail(new UpstreamError(this.upstream, 'status', `GET blob ${this.digest} answered ${response.statusCode}`, { status: response.statusCode }));
    }
    const length = Number(response.headers['content-length']);
    this.size = Number.isFinite(length) && response.headers['content-length'] !== undefined ? length : undefined;
    const reserved = this.size ?? 0;
    if (!(await store.reserve(reserved))) {
      response.destroy();
      return this.fail(new DiskFullError(`no room to cache ${this.digest} (${this.size ?? 'unknown'} bytes)`));
    }
    let sink: BlobSink | undefined;
    try {
      sink = await store.sinkFactory(this.tempPath);
      this.state = 'filling';
      this.resolveReady();
      this.tick();
      const hash = createHash('sha256');
      for await (const chunk of response as AsyncIterable<Buffer>) {
        if (this.size !== undefined && this.written + chunk.length > this.size) throw new UpstreamError(this.upstream, 'protocol', `sent more than the ${this.size} bytes it announced`);
        hash.update(chunk);
        await sink.write(chunk);
        this.remember(chunk);
        this.written += chunk.length;
        this.tick();
      }
      await sink.close();
      sink = undefined;
      if (this.size !== undefined && this.written !== this.size) {
        throw new UpstreamError(this.upstream, 'protocol', `blob ${this.digest} ended after ${this.written} of ${this.size} bytes`);
      }
      const actual = `sha256:${hash.digest('hex')}`;
      if (actual !== this.digest) throw new UpstreamError(this.upstream, 'protocol', `blob ${this.digest} arrived with digest ${actual}; not stored`);
      this.finalPath = await store.commit(this.tempPath, this.digest, this.written);
      this.size ??= this.written;
      this.state = 'done';
      this.recent.length = 0;
      this.finish();
      this.tick();
    } catch (error) {
      response.destroy();
      await sink?.close().catch(() => {});
      await store.discard(this.tempPath);
      if (isNoSpace(error)) {
        store.markDiskFull();
        this.fail(new DiskFullError(`disk full while caching ${this.digest}`, error));
      } else {
        this.fail(error instanceof UpstreamError ? error : new UpstreamError(this.upstream, 'unreachable', `download of ${this.digest} broke off: ${(error as Error).message}`, { cause: error }));
      }
    } finally {
      store.release(reserved);
    }
  }

  private remember(chunk: Buffer): void {
    this.recent.push({ offset: this.written, data: chunk });
    this.recentBytes += chunk.length;
    while (this.recentBytes > RECENT_CHUNK_BYTES && this.recent.length > 1) this.recentBytes -= this.recent.shift()!.data.length;
  }

  /** The in-memory chunk holding byte `position`, if it is still recent. */
  recentChunkAt(position: number): { offset: number; data: Buffer } | undefined {
    for (let i = this.recent.length - 1; i >= 0; i--) {
      const chunk = this.recent[i]!;
      if (position >= chunk.offset) return position < chunk.offset + chunk.data.length ? chunk : undefined;
    }
    return undefined;
  }

  private fail(error: Error): void {
    this.error = error;
    this.state = 'failed';
    this.rejectReady(error);
    this.finish(error);
    this.tick();
  }
}
