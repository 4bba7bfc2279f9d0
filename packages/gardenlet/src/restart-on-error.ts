/**
 * client-node informers stop on the first watch or list error; controllers
 * must restart them. Restarts back off from RESTART_MIN_MS to RESTART_MAX_MS
 * and reset after a successful start.
 */
import type { Informer, KubernetesObject } from '@kubernetes/client-node';

export const RESTART_MIN_MS = 100;
export const RESTART_MAX_MS = 2_000;

export function restartOnError<T extends KubernetesObject>(informer: Informer<T>, stopped: () => boolean, onError?: (error: unknown) => void): void {
  let delay = RESTART_MIN_MS;
  informer.on('error', (error: unknown) => {
    onError?.(error);
    if (stopped()) return;
    const timer = setTimeout(() => {
      if (stopped()) return;
      informer.start().then(() => (delay = RESTART_MIN_MS), () => {});
    }, delay);
    timer.unref();
    delay = Math.min(delay * 2, RESTART_MAX_MS);
  });
}
