/**
 * gardenlet (lite): one per Seed. Watches the Shoots scheduled to its seed and
 * reconciles each with a flow (create/reconcile/delete), reporting
 * status.lastOperation with progress = 100·succeeded/all tasks (rounded down),
 * lastErrors naming the failing task, retries with backoff, a finalizer for
 * deletion, and — once a shoot is up — its health by watches.
 */
import { setMaxListeners } from 'node:events';
import { CustomObjectsApi, makeInformer, type KubeConfig, type KubernetesListObject, type KubernetesObject } from '@kubernetes/client-node';
import { LOCAL_CLUSTER_BINARIES, resolveBinaries, type ResolvedBinaries } from '@seedbed/binaries';
import { KubeRaw, componentAlive, isStatusCode, loadKubeConfig, restartOnError, type ComponentRecord } from '@seedbed/cluster';
import { CleanupStack, FlowError, MAX_TIMEOUT_MS, SeedbedError, WorkQueue, createLogger, describeError, type Clock, type FlowEvent, systemClock } from '@seedbed/core';
import { GROUP, SHOOTS_PATH, SHOOT_FINALIZER, VERSION, seedPath, shootPath, type Condition, type LastOperationType, type Seed, type Shoot } from '@seedbed/gardener-api';
import { shootClusterConfig, shootTechnicalId } from './control-plane/shoot-cluster-config.ts';
import { ShootRuntimeStore } from './control-plane/shoot-runtime.ts';
import { parseRegistryConfig } from './extensions/registry-cache-config.ts';
import { createShootFlow, deleteShootFlow } from './flow/shoot-flows.ts';
import { ShootStatusWriter } from './flow/status-writer.ts';
import { computeConditions, fullyObserved, nextThresholdExpiry } from './health/shoot-conditions.ts';
import { ShootHealthMonitor, type ProcessHandle } from './health/shoot-health-monitor.ts';
import { faultsForVersion, type GardenletFault } from './faults/version-catalog.ts';
import { InProcessKubeletCerts } from './kubelet-certs/in-process-kubelet-certs.ts';
import { ROTATE_KUBELET_SERVING_OPERATION, kubeletServingSetting, type KubeletServingSetting } from './kubelet-certs/kubelet-certs-config.ts';
import type { KubeletCertsRuntime } from './kubelet-certs/kubelet-certs-runtime.ts';
import { nodeAgentsSpec } from './kubelet-certs/kubelet-certs-tasks.ts';
import { certificateStatus, fromCertificateStatus, nextExpiry, type NodeCertificateStatus } from './kubelet-certs/serving-certificates.ts';

export const DEFAULT_GARDENLET_VERSION = 'v1.0.0-seedbed';
export const DEFAULT_RETRIES = 2;
export const DEFAULT_RETRY_BASE_MS = 1_000;
export const DEFAULT_CONCURRENCY = 3;
/** Retries of a failing shoot back off up to 2^5 times the base delay. */
const MAX_RETRY_DOUBLINGS = 5;
/** Gardener's annotation to request an operation, e.g. `reconcile`. */
export const OPERATION_ANNOTATION = 'gardener.cloud/operation';

export interface GardenletOptions {
  seedName: string;
  /** Kubeconfig of the garden/seed cluster. */
  kubeconfigPath: string;
  /** Where shoot control planes keep their files. */
  stateDir: string;
  version?: string;
  binaries?: ResolvedBinaries;
  concurrency?: number;
  /** Re-runs of a failed flow before the operation is Failed. */
  retries?: number;
  retryBaseMs?: number;
  nodesTimeoutMs?: number;
  componentTimeoutMs?: number;
  clock?: Clock;
  /** Observes every flow event of every shoot (progress bars, benchmarks). */
  onFlowEvent?: (shoot: string, event: FlowEvent) => void;
  /** Injected faults; derived from the version by the version catalog when unset. */
  faults?: GardenletFault[];
  /** Where shoots' CSR approvers and node agents run (default: in this process). */
  kubeletCerts?: KubeletCertsRuntime;
  /** Observes every failed reconcile (it is retried after `retryInMs`); also logged. */
  onReconcileError?: (shoot: string, error: ReconcileError, retryInMs: number) => void;
}

/** A reconcile failed at a named step (an API call, or the flow's failing tasks); the work queue retries it. */
export class ReconcileError extends SeedbedError {
  readonly shoot: string;
  readonly step: string;

  constructor(shoot: string, step: string, cause: unknown) {
    super('RECONCILE_FAILED', `shoot ${shoot}: ${step} failed: ${describeError(cause).split('\n')[0]}`, { cause });
    this.shoot = shoot;
    this.step = step;
  }
}

/** Runs one step of a reconcile, naming it in the error. */
async function step<T>(shoot: string, name: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw error instanceof ReconcileError ? error : new ReconcileError(shoot, name, error);
  }
}

interface ShootState {
  attempts: number;
  monitor?: ShootHealthMonitor;
  conditions: Condition[];
}

export class Gardenlet {
  readonly options: GardenletOptions;
  private readonly kc: KubeConfig;
  private readonly raw: KubeRaw;
  private readonly writer: ShootStatusWriter;
  private readonly runtime: ShootRuntimeStore;
  private readonly queue: WorkQueue;
  private readonly states = new Map<string, ShootState>();
  private readonly log = createLogger('gardenlet');
  private readonly clock: Clock;
  /** The shoots' cert components (CSR approver, node agents). */
  readonly kubeletCerts: KubeletCertsRuntime;
  private informer?: ReturnType<typeof makeInformer<KubernetesObject>>;
  private binaries?: ResolvedBinaries;
  private stopped = false;
  /** Aborts in-flight flows on stop(); their processes keep running for the next gardenlet to adopt. */
  private readonly aborter = new AbortController();

  constructor(options: GardenletOptions) {
    this.options = options;
    this.kc = loadKubeConfig(options.kubeconfigPath);
    this.raw = new KubeRaw(this.kc);
    this.writer = new ShootStatusWriter(this.raw, options.version ?? DEFAULT_GARDENLET_VERSION);
    this.runtime = new ShootRuntimeStore(options.stateDir);
    this.clock = options.clock ?? systemClock;
    const retryBaseMs = options.retryBaseMs ?? DEFAULT_RETRY_BASE_MS;
    this.queue = new WorkQueue((key) => this.reconcile(key), {
      concurrency: options.concurrency ?? DEFAULT_CONCURRENCY,
      clock: this.clock,
      baseDelayMs: retryBaseMs,
      maxDelayMs: retryBaseMs * 2 ** MAX_RETRY_DOUBLINGS,
      onError: (key, error, failures, retryInMs) => {
        const failure = error instanceof ReconcileError ? error : new ReconcileError(key, 'reconcile', error);
        this.log.debug('%s (failure %d in a row; retrying in %dms)', failure.message, failures, retryInMs);
        this.options.onReconcileError?.(key, failure, retryInMs);
      },
    });
    this.binaries = options.binaries;
    this.kubeletCerts = options.kubeletCerts ?? new InProcessKubeletCerts();
    // every running task of every shoot listens on it
    setMaxListeners(0, this.aborter.signal);
  }

  get version(): string {
    return this.options.version ?? DEFAULT_GARDENLET_VERSION;
  }

  /** The faults this gardenlet injects (none for an ordinary version). */
  get faults(): GardenletFault[] {
    return this.options.faults ?? faultsForVersion(this.version);
  }

  async start(): Promise<void> {
    this.binaries ??= await resolveBinaries({ names: LOCAL_CLUSTER_BINARIES });
    const custom = this.kc.makeApiClient(CustomObjectsApi);
    const list = () => custom.listClusterCustomObject({ group: GROUP, version: VERSION, plural: 'shoots' }) as Promise<KubernetesListObject<KubernetesObject>>;
    this.informer = makeInformer(this.kc, SHOOTS_PATH, list);
    const enqueue = (object: KubernetesObject) => {
      const shoot = object as unknown as Shoot;
      if (shoot.spec.seedName === this.options.seedName) this.queue.add(`${shoot.metadata.namespace}/${shoot.metadata.name}`);
    };
    this.informer.on('add', enqueue);
    this.informer.on('update', enqueue);
    this.informer.on('delete', (shoot) => void this.forget(`${shoot.metadata?.namespace}/${shoot.metadata?.name}`));
    restartOnError(this.informer, { stopped: () => this.stopped, onError: (error) => this.log.debug('shoot watch failed: %s', describeError(error)) });
    await this.informer.start();
  }

  /** Stops watching; shoot control planes keep running (a restarted gardenlet adopts them). */
  async stop(): Promise<void> {
    this.stopped = true;
    this.aborter.abort(new Error('gardenlet stopped'));
    this.queue.stop();
    await this.queue.idle();
    await this.informer?.stop();
    await Promise.all([...this.states.values()].map((s) => s.monitor?.stop()));
    this.states.clear();
    // in-process cert components end with this gardenlet; the next one starts them again for the shoots it adopts
    await this.kubeletCerts.stopAll();
  }

  /** Stops every shoot control plane this gardenlet's state dir knows (teardown without deleting Shoots). */
  async stopAllControlPlanes(ids: string[]): Promise<void> {
    await Promise.all(ids.map(async (id) => {
      await this.kubeletCerts.stop(id);
      await this.runtime.stop(id);
      await this.runtime.remove(id);
    }));
  }

  idle(): Promise<void> {
    return this.queue.idle();
  }

  private async forget(key: string): Promise<void> {
    await this.states.get(key)?.monitor?.stop();
    this.states.delete(key);
  }

  private async get(key: string): Promise<Shoot | undefined> {
    const [namespace, name] = key.split('/') as [string, string];
    try {
      return await this.raw.get<Shoot>(shootPath(namespace, name));
    } catch (error) {
      if (isStatusCode(error, 404)) return undefined;
      throw error;
    }
  }

  private async reconcile(key: string): Promise<void> {
    const shoot = await step(key, 'read the shoot', () => this.get(key));
    if (!shoot || shoot.spec.seedName !== this.options.seedName) return this.forget(key);
    const state = this.states.get(key) ?? { attempts: 0, conditions: shoot.status?.conditions ?? [] };
    this.states.set(key, state);
    if (shoot.metadata.deletionTimestamp) return this.reconcileDelete(key, shoot, state);
    if (!shoot.metadata.finalizers?.includes(SHOOT_FINALIZER)) {
      await step(key, 'add the finalizer', () => this.raw.patch(shootPath(shoot.metadata.namespace!, shoot.metadata.name), {
        metadata: { finalizers: [...(shoot.metadata.finalizers ?? []), SHOOT_FINALIZER], resourceVersion: shoot.metadata.resourceVersion },
      }));
      return; // the update event brings us back
    }
    const id = shootTechnicalId(shoot);
    const op = shoot.status?.lastOperation;
    if (shoot.metadata.annotations?.[OPERATION_ANNOTATION] === 'reconcile') {
      // Gardener's explicit reconcile request: consume the annotation, then run the flow
      await step(key, 'consume the reconcile annotation', () => this.raw.patch(shootPath(shoot.metadata.namespace!, shoot.metadata.name), { metadata: { annotations: { [OPERATION_ANNOTATION]: null } } }));
      state.attempts = 0;
      return this.reconcileCreate(key, shoot, state, id);
    }
    if (shoot.metadata.annotations?.[OPERATION_ANNOTATION] === ROTATE_KUBELET_SERVING_OPERATION) {
      await step(key, 'consume the rotate annotation', () => this.raw.patch(shootPath(shoot.metadata.namespace!, shoot.metadata.name), { metadata: { annotations: { [OPERATION_ANNOTATION]: null } } }));
      return this.rotateKubeletServing(shoot, id);
    }
    if (op && op.state !== 'Processing' && shoot.status?.gardener?.version && shoot.status.gardener.version !== this.version) {
      // reconciled by another gardenlet version (an update or a rollback): reconcile at ours, as Gardener does after an upgrade
      state.attempts = 0;
      return this.reconcileCreate(key, shoot, state, id);
    }
    const upToDate = op?.state === 'Succeeded' && shoot.status?.observedGeneration === shoot.metadata.generation;
    if (upToDate) {
      // nothing to do but watch (a restarted gardenlet adopts the running control plane); like
      // Gardener, an unhealthy shoot is reported, not re-created: a reconcile request heals it
      if (!state.monitor) {
        await this.adoptKubeletCerts(shoot, id);
        this.watchHealth(key, shoot, id);
      }
      return;
    }
    if (op?.state === 'Failed' && shoot.status?.observedGeneration === shoot.metadata.generation) return;
    await this.reconcileCreate(key, shoot, state, id);
  }

  private async reconcileCreate(key: string, shoot: Shoot, state: ShootState, id: string): Promise<void> {
    const type: LastOperationType = shoot.status?.lastOperation?.type === 'Create' && shoot.status.lastOperation.state !== 'Succeeded' ? 'Create' : shoot.status?.lastOperation ? 'Reconcile' : 'Create';
    await state.monitor?.stop();
    state.monitor = undefined;
    // An operation another gardenlet left Processing is resumed: running components are adopted, not
    // restarted. Otherwise whatever a failed earlier run left is stopped. Certificates come from the Secret.
    const previous = this.runtime.read(id);
    const resume = shoot.status?.lastOperation?.state === 'Processing' && state.attempts === 0 && previous?.ports ? { ...previous, ports: previous.ports } : undefined;
    this.log.debug('%s: %s (%s)', key, resume ? 'resuming an interrupted operation' : 'running the flow', (previous?.components ?? []).map((c) => `${c.name}:${c.pid}:${componentAlive(c) ? 'alive' : 'gone'}`).join(' '));
    // the flow starts the cert component again against the (re)started API server
    await this.kubeletCerts.stop(id);
    if (resume) await this.runtime.stop(id, (c) => c.name === 'registry-cache');
    else await this.runtime.stop(id);
    const seed = await step(key, 'read the seed', () => this.raw.get<Seed>(seedPath(this.options.seedName)));
    let percent = 0;
    let current = shoot;
    const write = (state_: 'Processing' | 'Succeeded' | 'Error' | 'Failed', description: string, extra: Record<string, unknown> = {}) =>
      step(key, `write status ${state_}`, () => this.writer.operation(current, type, state_, percent, description, extra)).then((s) => void (s && (current = s)));
    await write('Processing', `${type === 'Create' ? 'Creating' : 'Reconciling'} the shoot`, { technicalID: id, seedName: this.options.seedName, gardener: this.writer.gardener() });
    const cleanup = new CleanupStack();
    /** Progress writes, in order; the final state is written only after them, so none overwrites it. */
    let writes = Promise.resolve();
    try {
      const config = shootClusterConfig(shoot, seed);
      parseRegistryConfig(shoot);
      const { flow, controlPlane } = await createShootFlow({
        shoot, config, technicalId: id, seedRaw: this.raw, binaries: this.binaries!, runtime: this.runtime, certs: this.kubeletCerts, cleanup,
        componentTimeoutMs: this.options.componentTimeoutMs, nodesTimeoutMs: this.options.nodesTimeoutMs,
        faults: this.faults, version: this.version,
        resume,
      });
      await flow.run({
        clock: this.clock,
        signal: this.aborter.signal,
        onEvent: (event) => {
          this.options.onFlowEvent?.(key, event);
          if (event.type === 'progress') {
            percent = event.percent;
            // a lost progress write is superseded by the next one; the final write's failure fails the reconcile
            writes = writes.then(() => write('Processing', `${type === 'Create' ? 'Creating' : 'Reconciling'} the shoot: ${event.succeeded}/${event.total} tasks done`))
              .catch((error: unknown) => this.log.debug('%s: progress write failed: %s', key, describeError(error)));
          }
        },
      });
      await writes;
      percent = 100;
      await write('Succeeded', `Shoot cluster has been successfully ${type === 'Create' ? 'created' : 'reconciled'}.`, { observedGeneration: shoot.metadata.generation, lastErrors: null });
      state.attempts = 0;
      const handles = new Map<string, ProcessHandle>([
        ...[...controlPlane.adopted].map(([name, record]): [string, ProcessHandle] => [name, { kind: 'adopted', record }]),
        ...[...controlPlane.processes].map(([name, process]): [string, ProcessHandle] => [name, { kind: 'started', process }]),
      ]);
      this.watchHealth(key, current, id, handles);
    } catch (error) {
      // stopped mid-flow: leave the operation Processing for the next gardenlet to resume
      if (this.stopped) return;
      await writes;
      state.attempts++;
      const failures = error instanceof FlowError ? error.failures : [{ task: 'prepare', error }];
      if (error instanceof FlowError) percent = error.percent;
      const final = state.attempts > (this.options.retries ?? DEFAULT_RETRIES);
      const description = failures.map((f) => `task "${f.task}" failed: ${describeError(f.error).split('\n')[0]}`).join('; ');
      this.log.debug('%s: %s (attempt %d)', key, description, state.attempts);
      // lastErrors travel with the operation, so nobody sees a failed operation without its cause
      const lastErrors = failures.map((f) => ({ description: describeError(f.error), taskID: f.task, lastUpdateTime: new Date().toISOString() }));
      await write(final ? 'Failed' : 'Error', description, { lastErrors, ...(final ? { observedGeneration: shoot.metadata.generation } : {}) });
      await step(key, 'label the shoot unhealthy', () => this.writer.label(current, 'unhealthy'));
      // the queue retries with backoff; a Failed operation waits for a new generation or a reconcile request
      if (!final) throw new ReconcileError(key, failures.map((f) => `task "${f.task}"`).join(', '), error);
    }
  }

  private async reconcileDelete(key: string, shoot: Shoot, state: ShootState): Promise<void> {
    if (!shoot.metadata.finalizers?.includes(SHOOT_FINALIZER)) return;
    await state.monitor?.stop();
    state.monitor = undefined;
    const id = shootTechnicalId(shoot);
    let percent = 0;
    let current = shoot;
    await step(key, 'write status Processing', () => this.writer.operation(current, 'Delete', 'Processing', 0, 'Deleting the shoot')).then((s) => void (s && (current = s)));
    try {
      await deleteShootFlow(shoot, id, this.raw, this.runtime, this.kubeletCerts).run({
        onEvent: (event) => {
          if (event.type === 'progress') percent = event.percent;
        },
      });
      await step(key, 'remove the finalizer', () => this.raw.patch(shootPath(shoot.metadata.namespace!, shoot.metadata.name), {
        metadata: { finalizers: (shoot.metadata.finalizers ?? []).filter((f) => f !== SHOOT_FINALIZER) },
      }));
      this.states.delete(key);
    } catch (error) {
      state.attempts++;
      await step(key, 'write status Error', () => this.writer.operation(current, 'Delete', 'Error', error instanceof FlowError ? error.percent : percent, describeError(error).split('\n')[0]!));
      // the queue retries with backoff until the shoot is gone
      throw error instanceof FlowError ? new ReconcileError(key, error.failures.map((f) => `delete task "${f.task}"`).join(', '), error) : error;
    }
  }

  private watchHealth(key: string, shoot: Shoot, id: string, started?: Map<string, ProcessHandle>): void {
    const record = this.runtime.read(id);
    if (!record?.adminKubeconfig) return;
    const handles = started ?? new Map<string, ProcessHandle>(record.components.map((c: ComponentRecord) => [c.name, { kind: 'adopted', record: c }]));
    const state = this.states.get(key) ?? { attempts: 0, conditions: [] };
    this.states.set(key, state);
    state.conditions = shoot.status?.conditions ?? state.conditions;
    let writing = Promise.resolve();
    let pending = false;
    /** A status write failed: write again even if nothing changed since. */
    let stale = false;
    const nodes = shootClusterConfig(shoot).nodes.map((n) => n.name);
    const setting = servingSettingOf(shoot);
    let lastCertificates = '';
    let expiryTimer: NodeJS.Timeout | undefined;
    const monitor = new ShootHealthMonitor({
      kubeconfig: loadKubeConfig(record.adminKubeconfig),
      processes: handles,
      expectedNodes: nodes.length,
      kubeletServing: setting.enabled
        ? {
            enabled: true,
            nodes,
            approver: { running: () => this.kubeletCerts.approverRunning(id), watch: (listener) => this.kubeletCerts.watchApprover(id, listener) },
            known: fromCertificateStatus((shoot.status as { kubeletServingCertificates?: { nodes?: NodeCertificateStatus[] } } | undefined)?.kubeletServingCertificates?.nodes),
          }
        : setting,
      onChange: () => {
        // coalesce bursts of events into one status write, in order
        if (pending) return;
        pending = true;
        writing = writing.then(async () => {
          pending = false;
          const observation = monitor.current();
          const serving = observation.kubeletServing;
          if (serving?.enabled && serving.nodes) {
            const now = Date.now();
            const certificates = { enabled: true, reason: null, nodes: certificateStatus(serving.nodes, now) };
            // a certificate expiring without any event still has to turn EveryNodeReady False
            clearTimeout(expiryTimer);
            const expiry = nextExpiry(serving.nodes, now);
            if (expiry !== undefined && expiry - now < MAX_TIMEOUT_MS) {
              expiryTimer = setTimeout(() => state.monitor === monitor && monitor.refresh(), expiry - now + 20).unref();
            }
            if (JSON.stringify(certificates) !== lastCertificates) {
              lastCertificates = JSON.stringify(certificates);
              const fresh = await this.get(key);
              if (fresh && !fresh.metadata.deletionTimestamp) await this.writer.kubeletServingCertificates(fresh, certificates);
            }
          }
          // a shoot without conditions yet gets its first ones once everything was observed: no Unknown
          // flash (healthy at Succeeded → unknown → healthy) while the first lists are still running
          if (state.conditions.length === 0 && !fullyObserved(observation)) return;
          const next = computeConditions(observation, state.conditions);
          // a Progressing condition turns False when its threshold passes, even without a new event
          const due = nextThresholdExpiry(next);
          if (due !== undefined) {
            setTimeout(() => {
              if (state.monitor === monitor) monitor.refresh();
            }, due + 20).unref();
          }
          if (!stale && JSON.stringify(next.map((c) => [c.status, c.message])) === JSON.stringify(state.conditions.map((c) => [c.status, c.message])) && shoot.metadata.labels) return;
          state.conditions = next;
          const fresh = await this.get(key);
          if (fresh && !fresh.metadata.deletionTimestamp) await this.writer.conditions(fresh, next, fresh.status?.lastOperation);
          stale = false;
        }).catch((error: unknown) => {
          // not dropped: written again after the retry delay (or with the next event, whichever comes first)
          this.log.debug('%s: status write failed, retrying: %s', key, describeError(error));
          stale = true;
          lastCertificates = '';
          setTimeout(() => state.monitor === monitor && monitor.refresh(), this.options.retryBaseMs ?? DEFAULT_RETRY_BASE_MS).unref();
        });
      },
    });
    state.monitor = monitor;
    monitor.start();
  }

  /** Starts the cert component of a shoot this gardenlet adopts (in-process components ended with the previous gardenlet). */
  private async adoptKubeletCerts(shoot: Shoot, id: string): Promise<void> {
    const record = this.runtime.read(id);
    if (!servingSettingOf(shoot).enabled || !record?.adminKubeconfig || this.kubeletCerts.agentsRunning(id)) return;
    const spec = nodeAgentsSpec(this.runtime.dir(id), shootClusterConfig(shoot));
    try {
      if (!this.kubeletCerts.approverRunning(id)) await this.kubeletCerts.startApprover(id, record.adminKubeconfig);
      await this.kubeletCerts.startAgents(id, spec);
    } catch (error) {
      // not fatal here: the health monitor reports the consequence (SystemComponentsHealthy, EveryNodeReady), a reconcile retries
      this.log.debug('%s: cert component not adopted: %s', id, describeError(error));
    }
  }

  /** The rotate-kubelet-serving-certificates operation: every node requests a new serving certificate; the shoot's operation is untouched. */
  private async rotateKubeletServing(shoot: Shoot, id: string): Promise<void> {
    const requestedAt = new Date().toISOString();
    await this.writer.kubeletServingCertificates(shoot, { lastRotation: { requestedAt, completedAt: null, error: null } });
    try {
      await this.kubeletCerts.rotate(id);
      await this.writer.kubeletServingCertificates(shoot, { lastRotation: { requestedAt, completedAt: new Date().toISOString(), error: null } });
    } catch (error) {
      await this.writer.kubeletServingCertificates(shoot, { lastRotation: { requestedAt, completedAt: null, error: describeError(error) } });
    }
  }
}

/** The shoot's setting; an invalid one (the flow fails on it) counts as off here, with the validation message. */
function servingSettingOf(shoot: Shoot): KubeletServingSetting {
  try {
    return kubeletServingSetting(shoot);
  } catch (error) {
    return { enabled: false, why: describeError(error) };
  }
}
