/**
 * A running landscape: one cluster that is garden and seed at once (as in
 * Gardener's local setup) with the Gardener API installed, the default
 * project/cloud profile/seed, a scheduler and one gardenlet per seed. `down()`
 * stops everything it started, shoot control planes included.
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
import { CleanupStack, silentProgress, type FlowEvent, type Progress } from '@seedbed/core';
import { DEFAULT_SEED, GROUP, VERSION, installGardenerApi, installLocalLandscape, type Shoot } from '@seedbed/gardener-api';
import { Gardenlet, ShootScheduler, shootTechnicalId, type GardenletOptions } from '@seedbed/gardenlet';

export interface LandscapeOptions {
  config: ClusterConfig;
  provider?: ClusterProvider;
  /** Where the cluster and shoot state go; a temp dir (removed on down) when unset. */
  stateDir?: string;
  progress?: Progress;
  gardenlet?: Partial<Omit<GardenletOptions, 'seedName' | 'kubeconfigPath' | 'stateDir'>>;
  onFlowEvent?: (shoot: string, event: FlowEvent) => void;
  signal?: AbortSignal;
}

export class Landscape {
  readonly cluster: ClusterInfo;
  readonly raw: KubeRaw;
  readonly config: ClusterConfig;
  gardenlet: Gardenlet;
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
    gardenlet: Gardenlet;
    scheduler: ShootScheduler;
    stateDir: string;
    options: LandscapeOptions;
  }) {
    this.cluster = init.cluster;
    this.config = init.config;
    this.provider = init.provider;
    this.cleanup = init.cleanup;
    this.gardenlet = init.gardenlet;
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
      const gardenlet = new Gardenlet({
        ...options.gardenlet,
        seedName: DEFAULT_SEED,
        kubeconfigPath: cluster.kubeconfigPath,
        stateDir: join(stateDir, 'gardenlet'),
        onFlowEvent: options.onFlowEvent,
      });
      await gardenlet.start();
      const landscape = new Landscape({ cluster, config: options.config, provider, cleanup, gardenlet, scheduler, stateDir, options });
      cleanup.add('stop gardenlet and shoot control planes', () => landscape.stopGardenletAndShoots());
      progress.info(`landscape up: seed "${DEFAULT_SEED}" on ${cluster.server}`);
      return landscape;
    } catch (error) {
      await cleanup.run();
      throw error;
    }
  }

  /** Replaces the gardenlet (a restart, or a new version); shoot control planes keep running. */
  async restartGardenlet(overrides: Partial<GardenletOptions> = {}): Promise<Gardenlet> {
    await this.gardenlet.stop();
    this.gardenlet = new Gardenlet({ ...this.gardenlet.options, ...overrides });
    await this.gardenlet.start();
    return this.gardenlet;
  }

  async createShoot(shoot: KubeObject): Promise<Shoot> {
    return this.raw.create<KubeObject>(shoot, 'shoots') as unknown as Promise<Shoot>;
  }

  async deleteShoot(namespace: string, name: string): Promise<void> {
    await this.raw.delete(`/apis/${GROUP}/${VERSION}/namespaces/${namespace}/shoots/${name}`);
  }

  async shoots(): Promise<Shoot[]> {
    return (await this.raw.get<{ items: Shoot[] }>(`/apis/${GROUP}/${VERSION}/shoots`)).items;
  }

  private async stopGardenletAndShoots(): Promise<void> {
    await this.gardenlet.stop();
    const ids = (await this.shoots().catch(() => [] as Shoot[])).map(shootTechnicalId);
    await this.gardenlet.stopAllControlPlanes(ids);
  }

  /** Registers something a scenario started alongside the landscape, stopped by down(). */
  onDown(action: () => Promise<void> | void): void {
    this.cleanup.add('scenario resource', action);
  }

  /** Stops everything the landscape started; returns the problems cleanup ran into. */
  async down(): Promise<string[]> {
    return this.cleanup.run();
  }

  get kubeconfigPath(): string {
    return this.cluster.kubeconfigPath;
  }

  get directory(): string {
    return this.stateDir;
  }
}
