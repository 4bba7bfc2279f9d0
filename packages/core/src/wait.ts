/**
 * Waits are objects: each knows what it awaits, its timeout (with a default),
 * how often it checks, and where to find the logs of the component it depends
 * on, so a timeout says what was awaited, for how long, and shows those logs.
 */
import { systemClock, type Clock } from './clock.ts';
import { CancelledError, PermanentError, TimeoutError } from './errors.ts';

export const DEFAULT_WAIT_TIMEOUT_MS = 60_000;
export const DEFAULT_WAIT_INTERVAL_MS = 100;

export interface WaitOptions {
  /** Human description of the awaited state, e.g. "kube-apiserver /readyz". */
  what: string;
  timeoutMs?: number;
  intervalMs?: number;
  clock?: Clock;
  signal?: AbortSignal;
  /** The component whose logs explain a failure, and how to read their tail. */
  component?: { name: string; logTail: () => Promise<string[]> | string[] };
}

/** A check returns a value when the state is reached, or undefined/false to keep waiting; throwing keeps waiting too, except a PermanentError, which ends the wait. */
export type Check<T> = () => Promise<T | undefined | false> | T | undefined | false;

/** Subscribes `wake` to the events that may change the awaited state (a watch); returns the unsubscribe. */
export type Wakeup = (wake: () => void) => () => void;

export class Wait {
  readonly what: string;
  readonly timeoutMs: number;
  readonly intervalMs: number;
  private readonly clock: Clock;
  private readonly options: WaitOptions;

  constructor(options: WaitOptions) {
    this.options = options;
    this.what = options.what;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_WAIT_TIMEOUT_MS;
    this.intervalMs = options.intervalMs ?? DEFAULT_WAIT_INTERVAL_MS;
    this.clock = options.clock ?? systemClock;
  }

  /**
   * Runs `check` until it yields a value, the timeout passes, or the signal aborts. With `wakeup`
   * (watch-driven) it checks again as soon as an event arrives; `intervalMs` is then only a fallback.
   */
  async until<T>(check: Check<T>, wakeup?: Wakeup): Promise<T> {
    let woken = false;
    let wake: (() => void) | undefined;
    const unsubscribe = wakeup?.(() => {
      woken = true;
      wake?.();
    });
    try {
      const nextEvent = () => {
        if (woken) {
          woken = false; // an event arrived while checking: check again at once
          return Promise.resolve();
        }
        return new Promise<void>((resolve) => (wake = resolve)).then(() => void (woken = false));
      };
      return await this.loop(check, wakeup ? nextEvent : undefined);
    } finally {
      unsubscribe?.();
      wake = undefined;
    }
  }

  private async loop<T>(check: Check<T>, nextEvent?: () => Promise<void>): Promise<T> {
    const started = this.clock.now();
    let lastError: unknown;
    for (;;) {
      if (this.options.signal?.aborted) throw new CancelledError(`waiting for ${this.what}`);
      try {
        const result = await check();
        if (result !== undefined && result !== false) return result;
        lastError = undefined;
      } catch (error) {
        if (error instanceof CancelledError || error instanceof PermanentError) throw error;
        lastError = error;
      }
      if (this.clock.now() - started >= this.timeoutMs) throw await this.timeout(lastError);
      // the timeout counts too: wake no later than it
      const sleepMs = Math.min(this.intervalMs, Math.max(0, this.timeoutMs - (this.clock.now() - started)));
      const stopSleeping = new AbortController();
      const signal = this.options.signal ? AbortSignal.any([this.options.signal, stopSleeping.signal]) : stopSleeping.signal;
      try {
        await (nextEvent ? Promise.race([this.clock.sleep(sleepMs, signal), nextEvent()]) : this.clock.sleep(sleepMs, signal));
      } catch {
        if (this.options.signal?.aborted) throw new CancelledError(`waiting for ${this.what}`);
      } finally {
        stopSleeping.abort();
      }
    }
  }

  private async timeout(lastError: unknown): Promise<TimeoutError> {
    const component = this.options.component;
    let logTail: string[] = [];
    if (component) {
      try {
        logTail = await component.logTail();
      } catch {
        logTail = ['(logs could not be read)'];
      }
    }
    return new TimeoutError({ what: this.what, timeoutMs: this.timeoutMs, component: component?.name, logTail, lastError });
  }
}
