/**
 * A list+watch cache (@kubernetes/client-node's ListWatch) that survives:
 * when the watch or a relist fails it starts again after a backoff (on the
 * injected clock), so a restarted API server or an expired resource version
 * never leaves the cache silently frozen (the one restart policy, @seedbed/cluster's restartOnError). Field
 * selectors are supported.
 */
import { ListWatch, Watch, type KubeConfig, type KubernetesObject, type ListPromise, type ObjectCallback } from '@kubernetes/client-node';
import { restartOnError } from '@seedbed/cluster';
import type { Clock } from '@seedbed/core';

export interface InformerOptions<T extends KubernetesObject> {
  kubeConfig: KubeConfig;
  /** API path of the collection, e.g. /api/v1/nodes. */
  path: string;
  list: ListPromise<T>;
  fieldSelector?: string;
  labelSelector?: string;
  clock?: Clock;
  /** Told about each failure before the restart. */
  onError?: (error: unknown) => void;
}

export class ResilientInformer<T extends KubernetesObject> {
  private readonly informer: ListWatch<T>;
  private readonly stopper = new AbortController();

  constructor(options: InformerOptions<T>) {
    this.informer = new ListWatch(options.path, new Watch(options.kubeConfig), options.list, false, options.labelSelector, options.fieldSelector);
    restartOnError(this.informer, { stopped: () => this.stopper.signal.aborted, signal: this.stopper.signal, clock: options.clock, onError: options.onError });
  }

  on(verb: 'add' | 'update' | 'delete', callback: ObjectCallback<T>): void {
    this.informer.on(verb, callback);
  }

  get(name: string, namespace?: string): T | undefined {
    return this.informer.get(name, namespace);
  }

  list(): readonly T[] {
    return this.informer.list();
  }

  /** Resolves once the first list is in the cache and the watch runs. */
  async start(): Promise<void> {
    await this.informer.start();
  }

  async stop(): Promise<void> {
    this.stopper.abort();
    await this.informer.stop();
  }
}
