/**
 * Injectable time. Logic that waits or measures takes a Clock so tests can run
 * it with a FakeClock instead of sleeping.
 */
export interface Clock {
  /** Milliseconds since an arbitrary, monotonic origin. */
  now(): number;
  /** Resolves after `ms`, or rejects with the signal's reason when aborted. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** setTimeout's limit: longer delays fire after 1 ms (with a TimeoutOverflowWarning), so longer sleeps are chained. */
export const MAX_TIMEOUT_MS = 2 ** 31 - 1;

export const systemClock: Clock = {
  now: () => performance.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      // a certificate rotating at 70–90% of a year sleeps for months: wait in steps setTimeout can hold
      const deadline = performance.now() + ms;
      let timer: NodeJS.Timeout;
      const arm = (left: number) => {
        timer = setTimeout(() => {
          const rest = deadline - performance.now();
          if (rest > 0 && left > MAX_TIMEOUT_MS) return arm(rest);
          signal?.removeEventListener('abort', onAbort);
          resolve();
        }, Math.min(left, MAX_TIMEOUT_MS));
      };
      const onAbort = () => {
        clearTimeout(timer);
        reject(signal?.reason);
      };
      arm(ms);
      signal?.addEventListener('abort', onAbort, { once: true });
    }),
};

interface Sleeper {
  at: number;
  resolve: () => void;
}

/** A clock that only moves when told to; sleeps resolve as time is advanced. */
export class FakeClock implements Clock {
  private current = 0;
  private sleepers: Sleeper[] = [];

  now(): number {
    return this.current;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const sleeper: Sleeper = { at: this.current + ms, resolve };
      this.sleepers.push(sleeper);
      signal?.addEventListener(
        'abort',
        () => {
          this.sleepers = this.sleepers.filter((s) => s !== sleeper);
          reject(signal.reason);
        },
        { once: true },
      );
    });
  }

  /** Moves time forward, waking every sleeper that is due, in order. */
  async advance(ms: number): Promise<void> {
    const target = this.current + ms;
    // let code that is about to sleep register its sleeper first
    await new Promise((r) => setImmediate(r));
    for (;;) {
      const due = this.sleepers.filter((s) => s.at <= target).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      this.sleepers = this.sleepers.filter((s) => s !== due);
      this.current = Math.max(this.current, due.at);
      due.resolve();
      // let the woken code run before the next sleeper fires
      await new Promise((r) => setImmediate(r));
    }
    this.current = target;
  }

  get pendingSleeps(): number {
    return this.sleepers.length;
  }
}
