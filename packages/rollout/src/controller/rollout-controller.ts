/**
 * The rollout controller: watches Rollouts, Seeds and Shoots, and on every
 * change (coalesced) asks `decide` what to do for each Rollout, then does it:
 * label seeds with the target gardenlet version, write the Rollout's status,
 * consume the action annotation. It keeps no state of its own beyond caches —
 * a restarted controller continues from the status. A lost watch is reported
 * to `decide` as not synced (the rollout pauses) until the watch is back.
 */
import { CustomObjectsApi, makeInformer, type Informer, type KubeConfig, type KubernetesListObject, type KubernetesObject } from '@kubernetes/client-node';
import { KubeRaw, RESTART_MAX_MS, loadKubeConfig, restartOnError } from '@seedbed/cluster';
import { WorkQueue, createLogger, describeError, systemClock, type Clock } from '@seedbed/core';
import { GROUP, VERSION, seedPath, type Seed, type Shoot } from '@seedbed/gardener-api';
import { ACTION_ANNOTATION, GARDENLET_VERSION_LABEL, ROLLOUT_GROUP, ROLLOUT_PLURAL, ROLLOUT_VERSION, rolloutPath, type Rollout } from '../api/types.ts';
import { decide, type Decision } from '../decision/decide.ts';
import { observeShoot, type ObservedShoot } from '../decision/shoot-health.ts';

/** Seed label patches in flight at once. */
export const SEED_UPDATE_CONCURRENCY = 16;

/** Wall-clock time: rollout timestamps are persisted, so they must survive a restart. */
export const wallClock: Clock = { now: () => Date.now(), sleep: systemClock.sleep };

export interface RolloutControllerOptions {
  kubeconfigPath?: string;
  kubeconfig?: KubeConfig;
  clock?: Clock;
  /** Observes every decision (tests, benchmarks, the CLI's verbose mode). */
  onDecision?: (rollout: string, decision: Decision) => void;
}

type AnyInformer = Informer<KubernetesObject> & { list(): KubernetesObject[] };

/** The queue's only key: an evaluation covers every rollout. */
const ALL_ROLLOUTS = 'rollouts';

export class RolloutController {
  private readonly kc: KubeConfig;
  private readonly raw: KubeRaw;
  private readonly clock: Clock;
  private readonly options: RolloutControllerOptions;
  private readonly log = createLogger('rollout');
  private readonly informers = new Map<string, AnyInformer>();
  private readonly broken = new Set<string>();
  private readonly observed = new WeakMap<object, ObservedShoot>();
  /** Our own last writes, newer than the watch until it catches up (compared by resourceVersion). */
  private readonly written = new Map<string, Rollout>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private stopped = false;
  /** The one work queue, with one key: every event re-evaluates all rollouts, events during a run collapse into one re-run. */
  private readonly queue = new WorkQueue(() => this.evaluateAll());

  constructor(options: RolloutControllerOptions) {
    this.options = options;
    this.kc = options.kubeconfig ?? loadKubeConfig(options.kubeconfigPath);
    this.raw = new KubeRaw(this.kc);
    this.clock = options.clock ?? wallClock;
  }

  async start(): Promise<void> {
    const custom = this.kc.makeApiClient(CustomObjectsApi);
    const watch = (name: string, group: string, version: string, plural: string) => {
      const informer = makeInformer(this.kc, `/apis/${group}/${version}/${plural}`, () =>
        custom.listClusterCustomObject({ group, version, plural }) as Promise<KubernetesListObject<KubernetesObject>>,
      ) as unknown as AnyInformer;
      for (const verb of ['add', 'update', 'delete'] as const) informer.on(verb, () => this.schedule());
      restartOnError(informer, {
        stopped: () => this.stopped,
        onError: (error) => {
          this.log.debug('%s watch failed: %s', name, describeError(error));
          this.broken.add(name);
          this.schedule();
        },
        onRestarted: () => {
          this.broken.delete(name);
          this.schedule();
        },
      });
      this.informers.set(name, informer);
      return informer.start();
    };
    await Promise.all([
      watch('shoots', GROUP, VERSION, 'shoots'),
      watch('seeds', GROUP, VERSION, 'seeds'),
      watch('rollouts', ROLLOUT_GROUP, ROLLOUT_VERSION, ROLLOUT_PLURAL),
    ]);
    this.schedule();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers.values()) clearTimeout(t);
    // a watch that already failed may reject its stop: there is nothing left to stop then
    await Promise.all([...this.informers.values()].map((i) => i.stop().catch(() => {})));
    this.queue.stop();
    await this.queue.idle();
  }

  /** Resolves when no evaluation runs or waits (requeue timers do not count). */
  idle(): Promise<void> {
    return this.queue.idle();
  }

  private schedule(): void {
    if (!this.stopped) this.queue.add(ALL_ROLLOUTS);
  }

  private async evaluateAll(): Promise<void> {
    const rollouts = (this.informers.get('rollouts')?.list() ?? []) as unknown as Rollout[];
    for (const listed of rollouts) {
      const rollout = this.freshest(listed);
      await this.evaluate(rollout).catch((error: unknown) => {
        // one rollout's failure must not stop the others' evaluation: logged, and retried on its own timer
        this.log.debug('rollout %s: %s', rollout.metadata.name, describeError(error));
        this.requeue(rollout.metadata.name, RESTART_MAX_MS);
      });
    }
  }

  private freshest(listed: Rollout): Rollout {
    const ours = this.written.get(listed.metadata.name);
    if (!ours || ours.metadata.uid !== listed.metadata.uid) return listed;
    if (Number(listed.metadata.resourceVersion) >= Number(ours.metadata.resourceVersion)) {
      this.written.delete(listed.metadata.name);
      return listed;
    }
    return ours;
  }

  private async evaluate(rollout: Rollout): Promise<void> {
    const name = rollout.metadata.name;
    const seeds = (this.informers.get('seeds')?.list() ?? []) as unknown as Seed[];
    const shoots = (this.informers.get('shoots')?.list() ?? []) as unknown as Shoot[];
    const observe = (shoot: Shoot) => {
      let o = this.observed.get(shoot);
      if (!o) this.observed.set(shoot, (o = observeShoot(shoot)));
      return o;
    };
    const action = rollout.metadata.annotations?.[ACTION_ANNOTATION];
    const decision = decide(
      rollout.spec,
      rollout.status,
      {
        seeds: seeds.map((s) => ({ name: s.metadata.name, labels: s.metadata.labels ?? {} })),
        shoots: shoots.map(observe),
        synced: this.broken.size === 0,
        ...(action ? { action } : {}),
      },
      this.clock.now(),
    );
    this.options.onDecision?.(name, decision);
    // status first: it records each seed's previous version before the seed changes, so a controller
    // that dies between the two writes can still roll the seed back
    if (JSON.stringify(decision.status) !== JSON.stringify(rollout.status ?? {})) {
      const updated = await this.raw.patch<Rollout>(`${rolloutPath(name)}/status`, [{ op: 'add', path: '/status', value: decision.status }], 'json');
      this.written.set(name, updated);
    }
    const updates = decision.actions.flatMap((a) => (a.type === 'updateSeed' ? [a] : []));
    for (let i = 0; i < updates.length; i += SEED_UPDATE_CONCURRENCY) {
      await Promise.all(updates.slice(i, i + SEED_UPDATE_CONCURRENCY).map((u) =>
        this.raw.patch(seedPath(u.seed), { metadata: { labels: { [GARDENLET_VERSION_LABEL]: u.version } } })));
    }
    if (decision.actions.some((a) => a.type === 'consumeAction')) {
      const updated = await this.raw.patch<Rollout>(rolloutPath(name), { metadata: { annotations: { [ACTION_ANNOTATION]: null } } });
      this.written.set(name, updated);
    }
    if (decision.requeueAfterMs !== undefined) this.requeue(name, decision.requeueAfterMs);
  }

  private requeue(name: string, ms: number): void {
    clearTimeout(this.timers.get(name));
    const timer = setTimeout(() => this.schedule(), ms + 1);
    timer.unref();
    this.timers.set(name, timer);
  }
}
