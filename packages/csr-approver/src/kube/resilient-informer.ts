/**
 * A list+watch cache (@kubernetes/client-node's ListWatch) that survives:
 * when the watch or a relist fails it starts again after a backoff (on the
 * injected clock), so a restarted API server or an expired resource version
 * never leaves the cache silently frozen. Field selectors are supported.
 */
import { ListWatch, Watch, type KubeConfig, type KubernetesObject, type ListPromise, type ObjectCallback } from '@kubernetes/client-node';
import { systemClock, type Clock } from '@seedbed/core';

export const INFORMER_RESTART_BACKOFF_MS = 500;
export const INFORMER_MAX_BACKOFF_MS = 10_000;

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
  private readonly clock: Clock;
  private readonly stopper = new AbortController();
  private failures = 0;
  private restarting = false;

  constructor(private readonly options: InformerOptions<T>) {
    this.clock = options.clock ?? systemClock;
    this.informer = new ListWatch(options.path, new Watch(options.kubeConfig), options.list, false, options.labelSelector, options.fieldSelector);
    this.informer.on('error', (error: unknown) => void this.restart(error));
    this.informer.on('connect', () => void (this.failures = 0));
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

  private async restart(error: unknown): Promise<void> {
    if (this.stopper.signal.aborted || this.restarting) return;
    this.restarting = true;
    this.options.onError?.(error);
    this.failures++;
    const backoff = Math.min(INFORMER_RESTART_BACKOFF_MS * 2 ** (this.failures - 1), INFORMER_MAX_BACKOFF_MS);
    try {
      await this.clock.sleep(backoff, this.stopper.signal);
      this.restarting = false;
      await this.informer.start();
    } catch {
      this.restarting = false; // stopped while waiting; or start failed, which raised 'error' again
    }
  }
}
