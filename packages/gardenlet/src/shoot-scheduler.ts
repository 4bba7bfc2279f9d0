/**
 * A minimal gardener-scheduler: gives every Shoot without spec.seedName a Seed
 * that serves all of the shoot's IP families (preferring the seed named by
 * `preferred`), and writes the shoot's defaulted networks into its spec, as
 * Gardener's admission does, so the API server checks them against the seed.
 */
import { CustomObjectsApi, makeInformer, type KubernetesListObject, type KubernetesObject } from '@kubernetes/client-node';
import { KubeRaw, loadKubeConfig, restartOnError } from '@seedbed/cluster';
import { SeedbedError, WorkQueue, createLogger, describeError } from '@seedbed/core';
import { GROUP, SEEDS_PATH, SHOOTS_PATH, VERSION, shootPath, type Seed, type Shoot } from '@seedbed/gardener-api';
import { resolveNetworks } from './control-plane/shoot-cluster-config.ts';

export class ShootScheduler {
  private readonly raw: KubeRaw;
  private readonly kubeconfigPath: string;
  private readonly log = createLogger('scheduler');
  private informer?: ReturnType<typeof makeInformer<KubernetesObject>>;
  /** A shoot that could not be scheduled (an API error, no seed serving its families yet) is retried with backoff. */
  private readonly queue = new WorkQueue((key) => this.schedule(key), {
    baseDelayMs: SCHEDULE_RETRY_BASE_MS,
    maxDelayMs: SCHEDULE_RETRY_MAX_MS,
    onError: (key, error, failures, retryInMs) => {
      this.errors.set(key, describeError(error));
      this.log.debug('%s: %s (failure %d in a row; retrying in %dms)', key, describeError(error), failures, retryInMs);
    },
  });
  private stopped = false;
  /** Last scheduling error per shoot, for reports. */
  readonly errors = new Map<string, string>();

  constructor(kubeconfigPath: string) {
    this.kubeconfigPath = kubeconfigPath;
    this.raw = new KubeRaw(loadKubeConfig(kubeconfigPath));
  }

  async start(): Promise<void> {
    const kc = loadKubeConfig(this.kubeconfigPath);
    const custom = kc.makeApiClient(CustomObjectsApi);
    this.informer = makeInformer(kc, SHOOTS_PATH, () =>
      custom.listClusterCustomObject({ group: GROUP, version: VERSION, plural: 'shoots' }) as Promise<KubernetesListObject<KubernetesObject>>,
    );
    const consider = (object: KubernetesObject) => {
      const shoot = object as unknown as Shoot;
      if (!shoot.spec.seedName && !shoot.metadata.deletionTimestamp) this.queue.add(`${shoot.metadata.namespace}/${shoot.metadata.name}`);
    };
    this.informer.on('add', consider);
    this.informer.on('update', consider);
    restartOnError(this.informer, { stopped: () => this.stopped });
    await this.informer.start();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.queue.stop();
    await this.informer?.stop();
    await this.queue.idle();
  }

  private async schedule(key: string): Promise<void> {
    const [namespace, name] = key.split('/') as [string, string];
    const shoot = this.informer?.get(name, namespace) as unknown as Shoot | undefined;
    if (!shoot || shoot.spec.seedName || shoot.metadata.deletionTimestamp) return void this.errors.delete(key);
    const seeds = (await this.raw.get<{ items: Seed[] }>(SEEDS_PATH)).items;
    const families = shoot.spec.networking?.ipFamilies ?? ['IPv4'];
    const seed = seeds.find((s) => families.every((f) => (s.spec.networks.ipFamilies ?? ['IPv4']).includes(f)));
    if (!seed) throw new SeedbedError('NO_SEED', `no seed serves ${families.join(', ')}`, { hint: 'register a Seed whose spec.networks.ipFamilies lists them' });
    const networks = resolveNetworks(shoot, seed);
    await this.raw.patch(shootPath(namespace, name), {
      spec: {
        seedName: seed.metadata.name,
        // the primary family's defaults for unset fields; a set field (of any listed family) is kept, as it is immutable
        networking: {
          ipFamilies: families,
          pods: shoot.spec.networking?.pods ?? networks.pods[0],
          services: shoot.spec.networking?.services ?? networks.services[0],
          nodes: shoot.spec.networking?.nodes ?? networks.nodes[0],
        },
      },
    });
    this.errors.delete(key);
  }
}

const SCHEDULE_RETRY_BASE_MS = 200;
const SCHEDULE_RETRY_MAX_MS = 10_000;
