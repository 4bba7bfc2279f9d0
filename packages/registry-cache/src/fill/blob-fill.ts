/**
 * One upstream download of one blob, shared by every client that asks for it
 * meanwhile. Bytes are hashed as they arrive and kept in a bounded window of
 * recent chunks (shared by every reader that keeps up, see fill-reader.ts)
 * while they are appended to a temp file (readers that fall behind read it).
 * The blob is renamed into the store only after its sha256 matches; on a
 * mismatch, a reset or a short body the fill fails, readers are aborted and
 * nothing is stored. The fill does not depend on any client: it completes
 * when they all disconnect, and it is never paced by a slow one.
 *
 * Memory is bounded: the upstream is paused while more than
 * MAX_UNWRITTEN_BYTES wait for the disk, and the window drops chunks that are
 * on disk once it holds more than RECENT_CHUNK_BYTES.
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { BlobStore } from '../storage/blob-store.ts';
import type { BlobSink } from '../storage/blob-sink.ts';
import { DiskFullError, isNoSpace } from '../storage/disk-full-error.ts';
import { drain } from '../upstream/http-send.ts';
import { UpstreamError } from '../upstream/upstream-error.ts';

export type FillState = 'starting' | 'filling' | 'done' | 'failed';

/** The newest bytes that are on disk stay in memory too, so caught-up readers need no file reads. */
export const RECENT_CHUNK_BYTES = 4 * 1024 * 1024;
/** The upstream is paused while this many received bytes are not on disk yet. */
export const MAX_UNWRITTEN_BYTES = 4 * 1024 * 1024;
/**
 * Waiting readers are woken once this many new bytes arrived (or
 * WAKE_DELAY_MS after the first of them, for slow upstreams): each then
 * sends them in one write of about a shared block's size. Waking them every
 * event-loop turn (a few 64 KiB chunks) cost a cold 50-client herd ~30 %
 * more CPU, in the cache and in the clients, for more and smaller writes.
 */
export const WAKE_BYTES = 1024 * 1024;
export const WAKE_DELAY_MS = 5;

export interface RecentChunk {
  offset: number;
  data: Buffer;
}

export class BlobFill {
  readonly digest: string;
  readonly upstream: string;
  readonly tempPath: string;
  state: FillState = 'starting';
  /** Total size from the upstream's Content-Length, when it sent one. */
  size?: number;
  /** Bytes received and hashed so far (all of them are in `recent` or on disk). */
  received = 0;
  /** Bytes written to the temp file so far (readable from the file). */
  written = 0;
  error?: Error;
  finalPath?: string;
  /** The newest chunks, oldest first: everything not yet on disk plus about RECENT_CHUNK_BYTES that is. */
  readonly recent: RecentChunk[] = [];
  private recentBytes = 0;
  /** Resolves once the upstream answered 200 and the temp file exists; rejects when the fill cannot start. */
  readonly ready: Promise<void>;
  /** Settles when the fill is complete (resolves) or failed (rejects). */
  readonly done: Promise<void>;
  private listeners = new Set<() => void>();
  private tickScheduled = false;
  private tickedReceived = 0;
  private wakeTimer?: NodeJS.Timeout;
  private resolveReady!: () => void;
  private rejectReady!: (error: Error) => void;
  private finish!: (error?: Error) => void;

  constructor(digest: string, upstream: string, tempPath: string) {
    this.digest = digest;
    this.upstream = upstream;
    this.tempPath = tempPath;
    this.ready = new Promise((resolve, reject) => {
      this.resolveReady = resolve;
      this.rejectReady = reject;
    });
    this.ready.catch(() => {}); // marks it handled: waiters see the rejection, an unawaited one is no crash
    this.done = new Promise((resolve, reject) => {
      void this.ready.catch(reject);
      this.finish = (error) => (error ? reject(error) : resolve());
    });
    this.done.catch(() => {}); // marks it handled: waiters see the rejection, an unawaited one is no crash
  }

  /** Calls `listener` once, at the next progress (bytes received or written) or state change. */
  once(listener: () => void): void {
    this.listeners.add(listener);
  }

  off(listener: () => void): void {
    this.listeners.delete(listener);
  }

  /**
   * Wakes the listeners for progress once WAKE_BYTES arrived since the last
   * wake-up (at the end of the event-loop turn), or WAKE_DELAY_MS after the
   * first progress when bytes trickle in: the chunks that arrived meanwhile
   * go out to each reader in one corked write instead of one write per
   * 64 KiB chunk per reader. State changes wake them at once (tick()).
   */
  private progressed(): void {
    if (this.tickScheduled) return;
    if (this.received - this.tickedReceived >= WAKE_BYTES) {
      this.tickScheduled = true;
      setImmediate(this.scheduledTick);
      return;
    }
    this.wakeTimer ??= setTimeout(this.scheduledTick, WAKE_DELAY_MS);
  }

  private readonly scheduledTick = () => {
    this.tickScheduled = false;
    this.tick();
  };

  private tick(): void {
    this.tickedReceived = this.received;
    if (this.wakeTimer) {
      clearTimeout(this.wakeTimer);
      this.wakeTimer = undefined;
    }
    if (this.listeners.size === 0) return;
    const listeners = this.listeners;
    this.listeners = new Set();
    for (const listener of listeners) listener();
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
      const hash = await this.download(response, sink);
      await sink.close();
      sink = undefined;
      if (this.size !== undefined && this.written !== this.size) {
        throw new UpstreamError(this.upstream, 'protocol', `blob ${this.digest} ended after ${this.written} of ${this.size} bytes`);
      }
      const actual = `sha256:${hash}`;
      if (actual !== this.digest) throw new UpstreamError(this.upstream, 'protocol', `blob ${this.digest} arrived with digest ${actual}; not stored`);
      this.finalPath = await store.commit(this.tempPath, this.digest, this.written);
      this.size ??= this.written;
      this.state = 'done';
      this.recent.length = 0;
      this.recentBytes = 0;
      this.finish();
      this.tick();
    } catch (error) {
      response.destroy();
      await sink?.close().catch(() => {}); // the fill error is the one to report
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

  /**
   * Reads the body: hashes each chunk, shares it through `recent` at once and
   * appends it to the sink, batching the chunks that arrive while a write
   * runs. Resolves with the hex sha256 once everything is on disk.
   */
  private download(response: IncomingMessage, sink: BlobSink): Promise<string> {
    const hash = createHash('sha256');
    return new Promise((resolve, reject) => {
      let pending: Buffer[] = [];
      let pendingBytes = 0;
      let writing = false;
      let ended = false;
      let settled = false;
      const settle = (error?: unknown) => {
        if (settled) return;
        settled = true;
        response.off('data', onData);
        if (error) reject(error);
        else resolve(hash.digest('hex'));
      };
      const flush = () => {
        if (writing || settled) return;
        if (pending.length === 0) {
          if (ended) settle();
          return;
        }
        const batch = pending;
        const bytes = pendingBytes;
        pending = [];
        pendingBytes = 0;
        writing = true;
        sink.write(batch).then(
          () => {
            writing = false;
            this.written += bytes;
            this.trimRecent();
            if (!ended && response.isPaused() && this.received - this.written < MAX_UNWRITTEN_BYTES) response.resume();
            this.progressed();
            flush();
          },
          (error: unknown) => settle(error),
        );
      };
      const onData = (chunk: Buffer) => {
        if (this.size !== undefined && this.received + chunk.length > this.size) {
          return settle(new UpstreamError(this.upstream, 'protocol', `sent more than the ${this.size} bytes it announced`));
        }
        hash.update(chunk);
        this.recent.push({ offset: this.received, data: chunk });
        this.recentBytes += chunk.length;
        this.received += chunk.length;
        pending.push(chunk);
        pendingBytes += chunk.length;
        if (this.received - this.written >= MAX_UNWRITTEN_BYTES) response.pause();
        this.progressed();
        flush();
      };
      response.on('data', onData);
      response.once('end', () => {
        ended = true;
        flush();
      });
      response.once('error', settle);
      response.once('close', () => {
        if (!ended) settle(new Error('upstream connection closed before the end of the body'));
      });
    });
  }

  /** Drops the oldest chunks that are on disk while the window holds more than RECENT_CHUNK_BYTES. */
  private trimRecent(): void {
    while (this.recentBytes > RECENT_CHUNK_BYTES && this.recent.length > 1) {
      const oldest = this.recent[0]!;
      if (oldest.offset + oldest.data.length > this.written) break;
      this.recent.shift();
      this.recentBytes -= oldest.data.length;
    }
  }

  /** The in-memory chunk holding byte `position`, if it is still recent. */
  recentChunkAt(position: number): RecentChunk | undefined {
    const recent = this.recent;
    if (recent.length === 0 || position < recent[0]!.offset || position >= this.received) return undefined;
    for (let i = recent.length - 1; i >= 0; i--) {
      const chunk = recent[i]!;
      if (position >= chunk.offset) return chunk;
    }
    return undefined;
  }

  /** Index in `recent` of the chunk holding `position` (which recentChunkAt found). */
  recentIndexOf(chunk: RecentChunk): number {
    return this.recent.lastIndexOf(chunk);
  }

  private fail(error: Error): void {
    this.error = error;
    this.state = 'failed';
    this.rejectReady(error);
    this.finish(error);
    this.tick();
  }
}
