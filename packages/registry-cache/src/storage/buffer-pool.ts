/**
 * Fixed-size read buffers, reused: blob bytes are read from disk into a
 * pooled buffer, written to the client's socket, and the buffer comes back
 * once the socket has taken the bytes (the write callback). This avoids a
 * fresh allocation (and page faults, and garbage waiting for a GC) for every
 * chunk of every response, which is what kept RSS growing during a herd.
 *
 * The pool keeps at most MAX_POOLED_BUFFERS free buffers (enough for ~128
 * busy clients with two buffers each), and gives back what a whole
 * TRIM_INTERVAL_MS did not need, so an idle cache shrinks again.
 */
export const READ_BUFFER_BYTES = 128 * 1024;
export const MAX_POOLED_BUFFERS = 256;
export const TRIM_INTERVAL_MS = 10_000;

export class BufferPool {
  readonly bufferBytes: number;
  private readonly maxFree: number;
  private free: Buffer[] = [];
  /** The fewest free buffers since the last trim: that many were not needed. */
  private lowWater = 0;
  private trimTimer?: NodeJS.Timeout;

  constructor(bufferBytes = READ_BUFFER_BYTES, maxFree = MAX_POOLED_BUFFERS) {
    this.bufferBytes = bufferBytes;
    this.maxFree = maxFree;
  }

  take(): Buffer {
    const buffer = this.free.pop();
    if (this.free.length < this.lowWater) this.lowWater = this.free.length;
    return buffer ?? Buffer.allocUnsafeSlow(this.bufferBytes);
  }

  /** Returns a buffer from take() (the whole buffer, not a slice). */
  give(buffer: Buffer): void {
    if (buffer.length !== this.bufferBytes || this.free.length >= this.maxFree) return;
    this.free.push(buffer);
    if (!this.trimTimer) {
      this.lowWater = this.free.length;
      this.trimTimer = setInterval(() => this.trim(), TRIM_INTERVAL_MS);
      this.trimTimer.unref();
    }
  }

  /** Drops the buffers that stayed unused since the last trim. */
  trim(): void {
    this.free.length -= Math.min(this.lowWater, this.free.length);
    this.lowWater = this.free.length;
    if (this.free.length === 0 && this.trimTimer) {
      clearInterval(this.trimTimer);
      this.trimTimer = undefined;
    }
  }

  get pooled(): number {
    return this.free.length;
  }
}

/** The process-wide pool the blob senders share. */
export const readBuffers = new BufferPool();
