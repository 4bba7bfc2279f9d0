/**
 * A keyed work queue like controller-runtime's: a key is processed by one
 * worker at a time, repeated adds while it runs collapse into one re-run, at
 * most `concurrency` keys run at once, and failures are retried after a delay.
 */
import { systemClock, type Clock } from '@seedbed/core';

export class WorkQueue {
  private readonly handler: (key: string) => Promise<void>;
  private readonly concurrency: number;
  private readonly clock: Clock;
  private readonly running = new Set<string>();
  private readonly dirty = new Set<string>();
  private readonly waiting: string[] = [];
  private stopped = false;
  private idleWaiters: Array<() => void> = [];

  constructor(handler: (key: string) => Promise<void>, concurrency = 3, clock: Clock = systemClock) {
    this.handler = handler;
    this.concurrency = concurrency;
    this.clock = clock;
  }

  add(key: string): void {
    if (this.stopped) return;
    if (this.running.has(key)) {
      this.dirty.add(key);
      return;
    }
    if (!this.waiting.includes(key)) this.waiting.push(key);
    this.pump();
  }

  /** Adds the key again after `delayMs` (retries with backoff). */
  addAfter(key: string, delayMs: number): void {
    this.clock.sleep(delayMs).then(() => this.add(key), () => {});
  }

  private pump(): void {
    while (!this.stopped && this.running.size < this.concurrency && this.waiting.length) {
      const key = this.waiting.shift()!;
      this.running.add(key);
      this.handler(key)
        .catch(() => {})
        .finally(() => {
          this.running.delete(key);
          if (this.dirty.delete(key) && !this.stopped) this.waiting.push(key);
          this.pump();
          if (this.running.size === 0 && (this.waiting.length === 0 || this.stopped)) this.idleWaiters.splice(0).forEach((r) => r());
        });
    }
  }

  /** Resolves when nothing runs or waits. */
  idle(): Promise<void> {
    if (this.running.size === 0 && (this.waiting.length === 0 || this.stopped)) return Promise.resolve();
    return new Promise((r) => this.idleWaiters.push(r));
  }

  /** No new work starts; running work finishes (idle() resolves then). */
  stop(): void {
    this.stopped = true;
    this.waiting.length = 0;
    this.dirty.clear();
  }
}
