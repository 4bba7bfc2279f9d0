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
import { CleanupStack, Flow, SeedbedError, describeError, silentProgress, type FlowEvent, type Progress, type Task } from '@seedbed/core';
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

  /**
   * Brings the landscape up as a flow of named steps (progress per step, cleanup registered as each
   * resource exists): the garden/seed cluster, the Gardener API, the local landscape objects and
   * extra seeds, the scheduler, the gardenlets and, when asked for, the rollout controller.
   */
  static async up(options: LandscapeOptions): Promise<Landscape> {
    const progress = options.progress ?? silentProgress;
    const cleanup = new CleanupStack();
    const stateDir = options.stateDir ?? mkdtempSync(join(tmpdir(), 'seedbed-landscape-'));
    if (!options.stateDir) cleanup.add('remove landscape state', () => rmSync(stateDir, { recursive: true, force: true }));
    const provider = options.provider ?? new LocalProvider(new StateStore(stateDir));
    const seedNames = [DEFAULT_SEED, ...(options.seeds ?? []).map((s) => s.name).filter((n) => n !== DEFAULT_SEED)];
    const gardenletDir = join(stateDir, 'gardenlet');
    let cluster: ClusterInfo | undefined;
    const kubeconfigPath = () => cluster!.kubeconfigPath;
    let scheduler: ShootScheduler | undefined;
    let gardenlets: GardenletManager | undefined;
    let rollouts: RolloutController | undefined;
    const tasks: Task[] = [
      {
        name: 'garden-cluster',
        run: async ({ signal }) => {
          cluster = await provider.create(options.config, { signal });
          const name = cluster.name;
          cleanup.add(`delete cluster ${name}`, () => provider.delete(name));
        },
      },
      { name: 'gardener-api', dependencies: ['garden-cluster'], run: () => installGardenerApi(kubeconfigPath()) },
      {
        name: 'seeds',
        dependencies: ['gardener-api'],
        run: async () => {
          await installLocalLandscape(kubeconfigPath(), options.config, DEFAULT_SEED);
          const raw = new KubeRaw(loadKubeConfig(kubeconfigPath()));
          for (const seed of options.seeds ?? []) {
            const object = seedFor(options.config, seed.name);
            object.metadata.labels = { ...(object.metadata.labels as Record<string, string>), ...seed.labels };
            await raw.apply(object);
          }
        },
      },
      {
        name: 'scheduler',
        dependencies: ['gardener-api'],
        run: async () => {
          const started = new ShootScheduler(kubeconfigPath());
          await started.start();
          scheduler = started;
          cleanup.add('stop scheduler', () => started.stop());
        },
      },
      {
        name: 'gardenlets',
        dependencies: ['seeds'],
        run: async () => {
          const manager = new GardenletManager({ ...options.gardenlet, kubeconfigPath: kubeconfigPath(), stateDir: gardenletDir, onFlowEvent: options.onFlowEvent });
          gardenlets = manager;
          cleanup.add('stop gardenlets and shoot control planes', () => stopGardenletsAndShoots(manager, gardenletDir));
          for (const name of seedNames) await manager.add(name);
          await manager.start();
        },
      },
      ...(options.rollouts
        ? [
            {
              name: 'rollout-controller',
              // after the gardenlets, which follow the seed labels the controller changes
              dependencies: ['gardenlets'],
              run: async () => {
                await installRolloutApi(kubeconfigPath());
                const controller = new RolloutController({ kubeconfigPath: kubeconfigPath() });
                await controller.start();
                rollouts = controller;
                cleanup.add('stop rollout controller', () => controller.stop());
              },
            },
          ]
        : []),
    ];
    const flow = new Flow(`landscape ${options.config.name} (${options.config.families.join('+')})`, tasks);
    try {
      await flow.run({
        signal: options.signal,
        onEvent: (event) => {
          if (event.type === 'task-started' && event.attempt === 1) progress.step(event.task, 'start');
          if (event.type === 'task-succeeded') progress.step(event.task, 'done', `${(event.durationMs / 1000).toFixed(1)}s`);
          if (event.type === 'task-failed') progress.step(event.task, 'failed');
        },
      });
    } catch (error) {
      const problems = await cleanup.run();
      if (problems.length) throw new SeedbedError('LANDSCAPE_UP_FAILED', `${describeError(error)}\n${teardownMessage(problems)}`, { cause: error });
      throw error;
    }
    progress.info(`landscape up: seed${seedNames.length > 1 ? 's' : ''} ${seedNames.map((n) => `"${n}"`).join(', ')} on ${cluster!.server}`);
    return new Landscape({ cluster: cluster!, config: options.config, provider, cleanup, gardenlets: gardenlets!, rollouts, scheduler: scheduler!, stateDir, options });
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

/** Stops the gardenlets, then every control plane with a runtime directory in their state dir (whether or not the API server still answers). */
async function stopGardenletsAndShoots(gardenlets: GardenletManager, gardenletDir: string): Promise<void> {
  await gardenlets.stop();
  await gardenlets.get(DEFAULT_SEED)?.stopAllControlPlanes(new ShootRuntimeStore(gardenletDir).ids());
}
