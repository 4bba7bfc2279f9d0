/**
 * A running landscape: one cluster that is garden and seed at once (as in
 * Gardener's local setup) with the Gardener API installed, the default
 * project/cloud profile/seed, a scheduler and one gardenlet per seed. `down()`
 * stops everything it started, shoot control planes included.
 *
 * More seeds can be registered on the same cluster (`seeds`), each with its
 * own in-process gardenlet; a GardenletManager runs them all and follows the
 * seeds' gardenlet-version labels. `rollouts` adds the Rollout API and its
 * controller, which updates seeds through those labels.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  KubeRaw,
  LocalProvider,
  StateStore,
  loadKubeConfig,
  type ClusterConfig,
  type ClusterInfo,
  type ClusterProvider,
  type KubeObject,
} from '@seedbed/cluster';
import { CleanupStack, SeedbedError, describeError, silentProgress, type FlowEvent, type Progress } from '@seedbed/core';
import { DEFAULT_SEED, SHOOTS_PATH, installGardenerApi, shootPath, installLocalLandscape, seedFor, type Shoot } from '@seedbed/gardener-api';
import { Gardenlet, ShootRuntimeStore, ShootScheduler, type GardenletOptions } from '@seedbed/gardenlet';
import { RolloutController, installRolloutApi } from '@seedbed/rollout';
import { GardenletManager } from './gardenlet-manager.ts';

/** A seed registered on the landscape's cluster besides `local` (or `local` itself, to give it labels). */
export interface SeedSpec {
  name: string;
  labels?: Record<string, string>;
}

export interface LandscapeOptions {
  config: ClusterConfig;
  provider?: ClusterProvider;
  /** Where the cluster and shoot state go; a temp dir (removed on down) when unset. */
  stateDir?: string;
  progress?: Progress;
  gardenlet?: Partial<Omit<GardenletOptions, 'seedName' | 'kubeconfigPath' | 'stateDir'>>;
  onFlowEvent?: (shoot: string, event: FlowEvent) => void;
  signal?: AbortSignal;
  /** More seeds on the same cluster, each with its own gardenlet. */
  seeds?: SeedSpec[];
  /** Install the Rollout API and run the rollout controller. */
  rollouts?: boolean;
}

export class Landscape {
  readonly cluster: ClusterInfo;
  readonly raw: KubeRaw;
  readonly config: ClusterConfig;
  readonly gardenlets: GardenletManager;
  readonly rollouts?: RolloutController;
  readonly scheduler: ShootScheduler;
  private readonly provider: ClusterProvider;
  private readonly cleanup: CleanupStack;
  private readonly stateDir: string;
  private readonly options: LandscapeOptions;

  private constructor(init: {
    cluster: ClusterInfo;
    config: ClusterConfig;
    provider: ClusterProvider;
    cleanup: CleanupStack;
    gardenlets: GardenletManager;
    rollouts?: RolloutController;
    scheduler: ShootScheduler;
    stateDir: string;
    options: LandscapeOptions;
  }) {
    this.cluster = init.cluster;
    this.config = init.config;
    this.provider = init.provider;
    this.cleanup = init.cleanup;
    this.gardenlets = init.gardenlets;
    this.rollouts = init.rollouts;
    this.scheduler = init.scheduler;
    this.stateDir = init.stateDir;
    this.options = init.options;
    this.raw = new KubeRaw(loadKubeConfig(init.cluster.kubeconfigPath));
  }

  static async up(options: LandscapeOptions): Promise<Landscape> {
    const progress = options.progress ?? silentProgress;
    const cleanup = new CleanupStack();
    const stateDir = options.stateDir ?? mkdtempSync(join(tmpdir(), 'seedbed-landscape-'));
    if (!options.stateDir) cleanup.add('remove landscape state', () => rmSync(stateDir, { recursive: true, force: true }));
    const provider = options.provider ?? new LocalProvider(new StateStore(stateDir));
    try {
      progress.step(`garden/seed cluster ${options.config.name} (${options.config.families.join('+')})`, 'start');
      const cluster = await provider.create(options.config, { signal: options.signal });
      cleanup.add(`delete cluster ${cluster.name}`, () => provider.delete(cluster.name));
      progress.step(`garden/seed cluster ${options.config.name} (${options.config.families.join('+')})`, 'done');
      progress.step('Gardener API, project local, cloud profile local, seed local', 'start');
      await installGardenerApi(cluster.kubeconfigPath);
      await installLocalLandscape(cluster.kubeconfigPath, options.config, DEFAULT_SEED);
      progress.step('Gardener API, project local, cloud profile local, seed local', 'done');
      const scheduler = new ShootScheduler(cluster.kubeconfigPath);
      await scheduler.start();
      cleanup.add('stop scheduler', () => scheduler.stop());
      const raw = new KubeRaw(loadKubeConfig(cluster.kubeconfigPath));
      for (const seed of options.seeds ?? []) {
        const object = seedFor(options.config, seed.name);
        object.metadata.labels = { ...(object.metadata.labels as Record<string, string>), ...seed.labels };
        await raw.apply(object);
      }
      const gardenlets = new GardenletManager({
        ...options.gardenlet,
        kubeconfigPath: cluster.kubeconfigPath,
        stateDir: join(stateDir, 'gardenlet'),
        onFlowEvent: options.onFlowEvent,
      });
      const seedNames = [DEFAULT_SEED, ...(options.seeds ?? []).map((s) => s.name).filter((n) => n !== DEFAULT_SEED)];
      const rollouts = options.rollouts ? new RolloutController({ kubeconfigPath: cluster.kubeconfigPath }) : undefined;
      const landscape = new Landscape({ cluster, config: options.config, provider, cleanup, gardenlets, rollouts, scheduler, stateDir, options });
      cleanup.add('stop gardenlets and shoot control planes', () => landscape.stopGardenletAndShoots());
      for (const name of seedNames) await gardenlets.add(name);
      await gardenlets.start();
      if (rollouts) {
        await installRolloutApi(cluster.kubeconfigPath);
        await rollouts.start();
        cleanup.add('stop rollout controller', () => rollouts.stop());
      }
      progress.info(`landscape up: seed${seedNames.length > 1 ? 's' : ''} ${seedNames.map((n) => `"${n}"`).join(', ')} on ${cluster.server}`);
      return landscape;
    } catch (error) {
      const problems = await cleanup.run();
      if (problems.length) throw new SeedbedError('LANDSCAPE_UP_FAILED', `${describeError(error)}\n${teardownMessage(problems)}`, { cause: error });
      throw error;
    }
  }

  /** The gardenlet of seed `local`. */
  get gardenlet(): Gardenlet {
    return this.gardenlets.get(DEFAULT_SEED)!;
  }

  /** Replaces the gardenlet of `seed` (a restart, or a new version); shoot control planes keep running. */
  async restartGardenlet(overrides: Partial<GardenletOptions> = {}, seed = DEFAULT_SEED): Promise<Gardenlet> {
    return this.gardenlets.restart(seed, overrides);
  }

  async createShoot(shoot: KubeObject): Promise<Shoot> {
    return this.raw.create<KubeObject>(shoot, 'shoots') as unknown as Promise<Shoot>;
  }

  async deleteShoot(namespace: string, name: string): Promise<void> {
    await this.raw.delete(shootPath(namespace, name));
  }

  async shoots(): Promise<Shoot[]> {
    return (await this.raw.get<{ items: Shoot[] }>(SHOOTS_PATH)).items;
  }

  private async stopGardenletAndShoots(): Promise<void> {
    await this.gardenlets.stop();
    // every control plane this landscape runs has its runtime directory in the gardenlets' state dir,
    // whether or not the API server still answers
    const ids = new ShootRuntimeStore(join(this.stateDir, 'gardenlet')).ids();
    await this.gardenlets.get(DEFAULT_SEED)?.stopAllControlPlanes(ids);
  }

  /** Registers something a scenario started alongside the landscape, stopped by down(). */
  onDown(action: () => Promise<void> | void): void {
    this.cleanup.add('scenario resource', action);
  }

  /** Stops everything the landscape started; fails listing every problem cleanup ran into (after trying every step). */
  async down(): Promise<void> {
    throwIfProblems(await this.cleanup.run());
  }

  get kubeconfigPath(): string {
    return this.cluster.kubeconfigPath;
  }

  get directory(): string {
    return this.stateDir;
  }
}

const teardownMessage = (problems: string[]) => `the landscape's teardown ran into ${problems.length} problem(s):\n${problems.map((p) => `  - ${p}`).join('\n')}`;

function throwIfProblems(problems: string[]): void {
  if (problems.length) throw new SeedbedError('TEARDOWN_FAILED', teardownMessage(problems), { hint: 'what the listed steps stop may still run: `seedbed cluster status` shows stale clusters' });
}
