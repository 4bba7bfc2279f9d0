/**
 * client-node informers stop on the first list or watch error; every
 * controller must start them again. One policy for all of seedbed's watches:
 * restart after a delay that backs off from RESTART_MIN_MS to RESTART_MAX_MS
 * and resets after a successful start. A failed restart emits `error` again,
 * which schedules the next attempt.
 */
import type { Informer, KubernetesObject } from '@kubernetes/client-node';

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
}

export function restartOnError<T extends KubernetesObject>(informer: Informer<T>, options: RestartOptions): void {
  const min = options.minMs ?? RESTART_MIN_MS;
  const max = options.maxMs ?? RESTART_MAX_MS;
  let delay = min;
  informer.on('error', (error: unknown) => {
    if (options.stopped()) return;
    options.onError?.(error);
    const timer = setTimeout(() => {
      if (options.stopped()) return;
      informer.start().then(() => {
        delay = min;
        options.onRestarted?.();
      }, () => {});
    }, delay);
    timer.unref();
    delay = Math.min(delay * 2, max);
  });
}
