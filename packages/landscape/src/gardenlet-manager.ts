/**
 * Runs one in-process gardenlet per managed seed and follows each seed's
 * `seedbed.dev/gardenlet-version` label: when it names another version than
 * the seed's gardenlet runs, that gardenlet is stopped (after its running
 * reconciles finish) and a new one starts at the labelled version — which
 * then reconciles the seed's shoots, as a Gardener upgrade does. Seeds
 * without the label keep the version they were started with. Every start is
 * recorded in `history` (which seed ran which version, when).
 */
import { CustomObjectsApi, makeInformer, type KubernetesListObject, type KubernetesObject } from '@kubernetes/client-node';
import { KubeRaw, loadKubeConfig, restartOnError } from '@seedbed/cluster';
import { createLogger, describeError } from '@seedbed/core';
import { GROUP, SEEDS_PATH, VERSION, seedPath, type Seed } from '@seedbed/gardener-api';
import { DEFAULT_GARDENLET_VERSION, Gardenlet, type GardenletOptions } from '@seedbed/gardenlet';
import { GARDENLET_VERSION_LABEL } from '@seedbed/rollout';


export interface GardenletStart {
  seed: string;
  version: string;
  /** Epoch ms. */
  at: number;
}

export class GardenletManager {
  readonly history: GardenletStart[] = [];
  private readonly base: Omit<GardenletOptions, 'seedName'>;
  private readonly raw: KubeRaw;
  private readonly gardenlets = new Map<string, Gardenlet>();
  /** Per-seed chain of restarts, so they never overlap. */
  private readonly chains = new Map<string, Promise<unknown>>();
  private readonly log = createLogger('gardenlet-manager');
  private informer?: ReturnType<typeof makeInformer<KubernetesObject>>;
  private stopped = false;
  /** Told after every gardenlet start (waits observe the switch instead of polling). */
  private readonly listeners = new Set<() => void>();

  constructor(base: Omit<GardenletOptions, 'seedName'>) {
    this.base = base;
    this.raw = new KubeRaw(loadKubeConfig(base.kubeconfigPath));
  }

  /** Starts a gardenlet for `seed` at its labelled version (or the base version). */
  async add(seed: string): Promise<Gardenlet> {
    const object = await this.raw.get<Seed>(seedPath(seed));
    const labelled = object.metadata.labels?.[GARDENLET_VERSION_LABEL];
    return this.launch({ ...this.base, seedName: seed, ...(labelled ? { version: labelled } : {}) });
  }

  /** Watches the seeds' version labels. */
  async start(): Promise<void> {
    const kc = loadKubeConfig(this.base.kubeconfigPath);
    const custom = kc.makeApiClient(CustomObjectsApi);
    this.informer = makeInformer(kc, SEEDS_PATH, () =>
      custom.listClusterCustomObject({ group: GROUP, version: VERSION, plural: 'seeds' }) as Promise<KubernetesListObject<KubernetesObject>>);
    const follow = (object: KubernetesObject) => {
      const seed = object as unknown as Seed;
      // no label: the landscape's default version (a rollback removes the label it once added)
      const wanted = seed.metadata.labels?.[GARDENLET_VERSION_LABEL] ?? this.base.version ?? DEFAULT_GARDENLET_VERSION;
      const running = this.gardenlets.get(seed.metadata.name);
      if (running && running.version !== wanted) void this.restart(seed.metadata.name, { version: wanted, faults: undefined }).catch((error: unknown) => this.log.debug('seed %s: %s', seed.metadata.name, describeError(error)));
    };
    this.informer.on('add', follow);
    this.informer.on('update', follow);
    restartOnError(this.informer, { stopped: () => this.stopped });
    await this.informer.start();
  }

  /** Calls `listener` after every gardenlet start; returns the unsubscribe (a Wait's wakeup). */
  onStarted(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get(seed: string): Gardenlet | undefined {
    return this.gardenlets.get(seed);
  }

  seeds(): string[] {
    return [...this.gardenlets.keys()];
  }

  /** Replaces a seed's gardenlet (a restart, or a new version); shoot control planes keep running. */
  restart(seed: string, overrides: Partial<GardenletOptions> = {}): Promise<Gardenlet> {
    // the previous restart's failure was reported to its caller; this one starts regardless
    const next = (this.chains.get(seed) ?? Promise.resolve()).catch(() => {}).then(async () => {
      const current = this.gardenlets.get(seed);
      if (!current) throw new Error(`no gardenlet for seed ${seed}`);
      if (this.stopped) return current;
      if (overrides.version !== undefined && overrides.version === current.version && Object.keys(overrides).every((k) => k === 'version' || k === 'faults')) return current;
      await current.stop();
      await current.idle();
      return this.launch({ ...current.options, ...overrides });
    });
    this.chains.set(seed, next);
    return next;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.informer?.stop();
    // only waits for running restarts: their failures were reported to their callers
    await Promise.all([...this.chains.values()].map((c) => c.catch(() => {})));
    await Promise.all([...this.gardenlets.values()].map((g) => g.stop()));
  }

  private async launch(options: GardenletOptions): Promise<Gardenlet> {
    const gardenlet = new Gardenlet(options);
    this.gardenlets.set(options.seedName, gardenlet);
    this.history.push({ seed: options.seedName, version: gardenlet.version, at: Date.now() });
    this.log.debug('seed %s: gardenlet %s', options.seedName, gardenlet.version);
    await gardenlet.start();
    for (const listener of this.listeners) listener();
    return gardenlet;
  }
}
