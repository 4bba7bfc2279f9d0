/**
 * One watch over all Shoots of a landscape; waits resolve on the event that
 * satisfies them (no polling), and observers see every change (progress bars).
 */
import { CustomObjectsApi, makeInformer, type KubernetesListObject, type KubernetesObject } from '@kubernetes/client-node';
import { loadKubeConfig, restartOnError } from '@seedbed/cluster';
import { TimeoutError } from '@seedbed/core';
import { GROUP, SHOOTS_PATH, VERSION, type Shoot } from '@seedbed/gardener-api';

export type ShootObserver = (shoot: Shoot, event: 'add' | 'update' | 'delete') => void;

export class ShootWatcher {
  private readonly informer: ReturnType<typeof makeInformer<KubernetesObject>>;
  private readonly observers = new Set<ShootObserver>();
  private stopped = false;

  constructor(kubeconfigPath: string) {
    const kc = loadKubeConfig(kubeconfigPath);
    const custom = kc.makeApiClient(CustomObjectsApi);
    this.informer = makeInformer(kc, SHOOTS_PATH, () =>
      custom.listClusterCustomObject({ group: GROUP, version: VERSION, plural: 'shoots' }) as Promise<KubernetesListObject<KubernetesObject>>,
    );
    for (const verb of ['add', 'update', 'delete'] as const) {
      this.informer.on(verb, (object) => this.observers.forEach((o) => o(object as unknown as Shoot, verb)));
    }
    restartOnError(this.informer, { stopped: () => this.stopped });
  }

  start(): Promise<void> {
    return this.informer.start();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.informer.stop();
  }

  get(namespace: string, name: string): Shoot | undefined {
    return this.informer.get(name, namespace) as unknown as Shoot | undefined;
  }

  observe(observer: ShootObserver): () => void {
    this.observers.add(observer);
    return () => this.observers.delete(observer);
  }

  /**
   * Resolves with the shoot once `check` returns true for it (checked now and on
   * every change); `check` may throw to fail early. `gone` waits for deletion.
   */
  waitFor(namespace: string, name: string, what: string, timeoutMs: number, check: (shoot: Shoot | undefined) => boolean, describe?: (shoot: Shoot | undefined) => string): Promise<Shoot | undefined> {
    return new Promise((resolve, reject) => {
      let unobserve = () => {};
      const timer = setTimeout(() => {
        unobserve();
        const last = this.get(namespace, name);
        reject(new TimeoutError({ what: `shoot ${name} ${what}`, timeoutMs, logTail: describe ? [describe(last)] : [], component: `shoot ${name}` }));
      }, timeoutMs);
      const evaluate = (shoot: Shoot | undefined) => {
        try {
          if (!check(shoot)) return;
        } catch (error) {
          clearTimeout(timer);
          unobserve();
          reject(error);
          return;
        }
        clearTimeout(timer);
        unobserve();
        resolve(shoot);
      };
      unobserve = this.observe((shoot, event) => {
        if (shoot.metadata.namespace === namespace && shoot.metadata.name === name) evaluate(event === 'delete' ? undefined : shoot);
      });
      evaluate(this.get(namespace, name));
    });
  }
}
