/**
 * The one keyed work queue, like controller-runtime's rate-limited queue: a
 * key is handled by one worker at a time, adds while it runs collapse into one
 * re-run, at most `concurrency` keys run at once, and a handler that rejects
 * is retried after a per-key exponential backoff (base·2^(failures-1), capped),
 * reset by the key's next success. No failure is dropped: each one is reported
 * to `onError` with the delay before its retry.
 */
import { systemClock, type Clock } from '../clock.ts';

export const DEFAULT_QUEUE_BASE_DELAY_MS = 5;
export const DEFAULT_QUEUE_MAX_DELAY_MS = 60_000;

export interface WorkQueueOptions {
  /** Keys handled at once (default 1). */
  concurrency?: number;
  clock?: Clock;
  /** Delay before the first retry of a failed key; doubles with each further failure. */
  baseDelayMs?: number;
  /** Longest delay between retries. */
  maxDelayMs?: number;
  /** Every failure, with the key, the error, how often the key failed in a row and when it is retried. */
  onError?: (key: string, error: unknown, failures: number, retryInMs: number) => void;
}

/** Handles one key; `queuedAt` is the clock time of the add that caused this run (for latency metrics). */
export type WorkHandler = (key: string, queuedAt: number) => Promise<void>;

export class WorkQueue {
  private readonly handler: WorkHandler;
  private readonly concurrency: number;
  private readonly clock: Clock;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly onError?: WorkQueueOptions['onError'];
  private readonly running = new Set<string>();
  /** Keys added while running, with the time of that add. */
  private readonly dirty = new Map<string, number>();
  /** Keys waiting for a worker, in order, with the time they were added. */
  private readonly waiting = new Map<string, number>();
  private readonly failures = new Map<string, number>();
  /** Delayed adds (retries, requeues), cancelled by stop(). */
  private readonly delayed = new Map<string, AbortController>();
  private stopped = false;
  private idleWaiters: Array<() => void> = [];

  constructor(handler: WorkHandler, options: WorkQueueOptions = {}) {
    this.handler = handler;
    this.concurrency = options.concurrency ?? 1;
    this.clock = options.clock ?? systemClock;
    this.baseDelayMs = options.baseDelayMs ?? DEFAULT_QUEUE_BASE_DELAY_MS;
    this.maxDelayMs = options.maxDelayMs ?? DEFAULT_QUEUE_MAX_DELAY_MS;
    this.onError = options.onError;
  }

  add(key: string): void {
    if (this.stopped) return;
    const now = this.clock.now();
    if (this.running.has(key)) {
      if (!this.dirty.has(key)) this.dirty.set(key, now);
      return;
    }
    if (!this.waiting.has(key)) this.waiting.set(key, now);
    this.pump();
  }

  /** Adds the key after `delayMs`; an earlier pending delayed add of the key is replaced. */
  addAfter(key: string, delayMs: number): void {
    if (this.stopped) return;
    this.delayed.get(key)?.abort();
    const aborter = new AbortController();
    this.delayed.set(key, aborter);
    this.clock.sleep(delayMs, aborter.signal).then(
      () => {
        if (this.delayed.get(key) === aborter) this.delayed.delete(key);
        this.add(key);
      },
      () => {}, // aborted: replaced by a later addAfter, or the queue stopped
    );
  }

  /** How often the key failed in a row (0 after a success). */
  failuresOf(key: string): number {
    return this.failures.get(key) ?? 0;
  }

  /** The backoff before the retry after the key's `failures`-th failure in a row. */
  backoff(failures: number): number {
    return Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** Math.min(failures - 1, 30));
  }

  /** Resolves when nothing runs or waits for a worker (delayed adds do not count). */
  idle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((r) => this.idleWaiters.push(r));
  }

  /** No new work starts, delayed adds are cancelled; running work finishes (idle() resolves then). */
  stop(): void {
    this.stopped = true;
    this.waiting.clear();
    this.dirty.clear();
    for (const aborter of this.delayed.values()) aborter.abort();
    this.delayed.clear();
    if (this.isIdle()) this.idleWaiters.splice(0).forEach((r) => r());
  }

  private isIdle(): boolean {
    return this.running.size === 0 && this.waiting.size === 0;
  }

  private pump(): void {
    while (!this.stopped && this.running.size < this.concurrency && this.waiting.size) {
      const [key, queuedAt] = this.waiting.entries().next().value as [string, number];
      this.waiting.delete(key);
      this.running.add(key);
      this.handler(key, queuedAt).then(
        () => void this.failures.delete(key),
        (error: unknown) => {
          const failures = this.failuresOf(key) + 1;
          this.failures.set(key, failures);
          const retryInMs = this.backoff(failures);
          this.onError?.(key, error, failures, retryInMs);
          // a re-run requested meanwhile waits for the backoff too, as in controller-runtime
          this.dirty.delete(key);
          this.addAfter(key, retryInMs);
        },
      ).finally(() => {
        this.running.delete(key);
        const again = this.dirty.get(key);
        if (again !== undefined && !this.stopped) {
          this.dirty.delete(key);
          this.waiting.set(key, again);
        }
        this.pump();
        if (this.isIdle()) this.idleWaiters.splice(0).forEach((r) => r());
      });
    }
  }
}
