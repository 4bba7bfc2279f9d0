import type { Informer, KubernetesObject } from '@kubernetes/client-node';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FakeClock } from '@seedbed/core';
import { RESTART_MAX_MS, RESTART_MIN_MS, restartOnError } from './informer-restart.ts';

/** The part of client-node's Informer the policy uses: error handlers and start(). */
class ScriptedInformer {
  readonly starts: number[] = [];
  private errorHandlers: Array<(e: unknown) => void> = [];
  /** Results of the next start() calls: true succeeds, false fails (and emits error, as ListWatch does). */
  script: boolean[] = [];
  on(verb: string, fn: (e: unknown) => void): void {
    if (verb === 'error') this.errorHandlers.push(fn);
  }
  fail(error: unknown = new Error('watch closed')): void {
    for (const h of this.errorHandlers) h(error);
  }
  async start(): Promise<void> {
    this.starts.push(Date.now());
    if (this.script.shift() === false) {
      queueMicrotask(() => this.fail());
      throw new Error('connect ECONNREFUSED');
    }
  }
}

beforeEach(() => void vi.useFakeTimers());
afterEach(() => void vi.useRealTimers());

describe('restartOnError', () => {
  it('restarts with exponential backoff up to the maximum, and resets after a success', async () => {
    const informer = new ScriptedInformer();
    const restarted = vi.fn();
    const errors: unknown[] = [];
    restartOnError(informer as unknown as Informer<KubernetesObject>, { stopped: () => false, onError: (e) => errors.push(e), onRestarted: restarted });
    informer.script = [false, false, false, false, false, true];
    const t0 = Date.now();
    informer.fail();
    await vi.advanceTimersByTimeAsync(RESTART_MIN_MS * (1 + 2 + 4 + 8 + 16) + RESTART_MAX_MS);
    expect(informer.starts.map((t) => t - t0)).toEqual([100, 300, 700, 1500, 3100, 5100]);
    expect(errors).toHaveLength(6);
    expect(restarted).toHaveBeenCalledTimes(1);
    informer.fail();
    await vi.advanceTimersByTimeAsync(RESTART_MIN_MS);
    expect(informer.starts).toHaveLength(7);
  });

  it('does not restart an informer its owner stopped', async () => {
    const informer = new ScriptedInformer();
    let stopped = false;
    const onError = vi.fn();
    restartOnError(informer as unknown as Informer<KubernetesObject>, { stopped: () => stopped, onError });
    informer.fail();
    stopped = true;
    await vi.advanceTimersByTimeAsync(RESTART_MAX_MS);
    informer.fail();
    await vi.advanceTimersByTimeAsync(RESTART_MAX_MS);
    expect(informer.starts).toEqual([]);
    expect(onError).toHaveBeenCalledTimes(1);
  });

  it('waits on the injected clock, and a stop aborts the pending restart at once', async () => {
    vi.useRealTimers();
    const clock = new FakeClock();
    const informer = new ScriptedInformer();
    const stopper = new AbortController();
    restartOnError(informer as unknown as Informer<KubernetesObject>, { stopped: () => stopper.signal.aborted, signal: stopper.signal, clock });
    informer.fail();
    await clock.advance(RESTART_MIN_MS - 1);
    expect(informer.starts).toHaveLength(0);
    await clock.advance(1);
    expect(informer.starts).toHaveLength(1);
    informer.fail();
    expect(clock.pendingSleeps).toBe(1);
    stopper.abort();
    await new Promise((r) => setImmediate(r));
    expect(clock.pendingSleeps).toBe(0);
    await clock.advance(RESTART_MAX_MS);
    expect(informer.starts).toHaveLength(1);
  });
});
