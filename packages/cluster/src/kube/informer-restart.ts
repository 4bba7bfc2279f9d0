/**
 * client-node informers stop on the first list or watch error; every
 * controller must start them again. One policy for all of seedbed's watches:
 * restart after a delay that backs off from RESTART_MIN_MS to RESTART_MAX_MS
 * and resets after a successful start. A failed restart emits `error` again,
 * which schedules the next attempt.
 */
import type { Informer, KubernetesObject } from '@kubernetes/client-node';
import { systemClock, type Clock } from '@seedbed/core';

export const RESTART_MIN_MS = 100;
export const RESTART_MAX_MS = 2_000;

export interface RestartOptions {
  /** True once the owner stopped the informer on purpose: no more restarts. */
  stopped: () => boolean;
  /** Every error, before the restart is scheduled (to mark the watch broken, to log at debug level). */
  onError?: (error: unknown) => void;
  /** After a successful restart (to mark the watch healthy again, to re-derive state from the cache). */
  onRestarted?: () => void;
  minMs?: number;
  maxMs?: number;
  clock?: Clock;
  /** Aborts a pending restart at once (on stop), so it keeps nothing alive. */
  signal?: AbortSignal;
}

export function restartOnError<T extends KubernetesObject>(informer: Informer<T>, options: RestartOptions): void {
  const min = options.minMs ?? RESTART_MIN_MS;
  const max = options.maxMs ?? RESTART_MAX_MS;
  const clock = options.clock ?? systemClock;
  let delay = min;
  let restarting = false;
  informer.on('error', (error: unknown) => {
    if (options.stopped() || restarting) return;
    restarting = true;
    options.onError?.(error);
    const wait = delay;
    delay = Math.min(delay * 2, max);
    clock.sleep(wait, options.signal).then(
      () => {
        restarting = false;
        if (options.stopped()) return;
        informer.start().then(
          () => {
            delay = min;
            options.onRestarted?.();
          },
          () => {}, // the failed start emitted 'error' again, which scheduled the next attempt
        );
      },
      () => void (restarting = false), // aborted: the owner stopped
    );
  });
}
