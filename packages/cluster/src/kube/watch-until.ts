/**
 * A wait driven by one list+watch instead of polling: `check` runs on the
 * cache once the first list is in, and again on every add, update or delete
 * of the collection. The watch restarts on errors (the one restart policy)
 * and stops when the wait ends. The Wait keeps its message: what was
 * awaited, for how long, and its component's log tail; its interval is only
 * a fallback.
 */
import { makeInformer, type KubeConfig, type KubernetesObject, type ListPromise } from '@kubernetes/client-node';
import type { Check, Wait } from '@seedbed/core';
import { restartOnError } from './informer-restart.ts';

export interface WatchedCollection<T extends KubernetesObject> {
  kubeConfig: KubeConfig;
  /** API path of the collection, e.g. /api/v1/nodes. */
  path: string;
  list: ListPromise<T>;
}

export async function untilWatched<T extends KubernetesObject, R>(collection: WatchedCollection<T>, wait: Wait, check: (objects: readonly T[]) => ReturnType<Check<R>>): Promise<R> {
  const informer = makeInformer(collection.kubeConfig, collection.path, collection.list);
  const stopper = new AbortController();
  restartOnError(informer, { stopped: () => stopper.signal.aborted, signal: stopper.signal });
  try {
    // a failed first list emits 'error' too, which restarts the watch; meanwhile the cache is empty and the wait goes on
    await informer.start().catch(() => {});
    return await wait.until(
      () => check(informer.list()),
      (wake) => {
        for (const verb of ['add', 'update', 'delete'] as const) informer.on(verb, wake);
        return () => {
          for (const verb of ['add', 'update', 'delete'] as const) informer.off(verb, wake);
        };
      },
    );
  } finally {
    stopper.abort();
    await informer.stop();
  }
}
