/**
 * Watches one shoot and reports a fresh HealthObservation on every change:
 * informers on the shoot's Nodes, kube-system Deployments and (with the cert
 * component) CSRs — a broken watch means the API server is gone —, the
 * approver's starts and stops, and the exit events of the control-plane
 * processes this gardenlet started. Processes adopted from an earlier
 * gardenlet have no exit event; their pids are checked every
 * ADOPTED_PROCESS_CHECK_MS instead (the only polling, and only for those).
 */
import {
  AppsV1Api,
  CertificatesV1Api,
  CoreV1Api,
  makeInformer,
  type Informer,
  type KubeConfig,
  type KubernetesObject,
  type V1CertificateSigningRequest,
  type V1Deployment,
  type V1Node,
} from '@kubernetes/client-node';
import type { ManagedProcess } from '@seedbed/core';
import { componentAlive, restartOnError, type ComponentRecord } from '@seedbed/cluster';
import type { HealthObservation } from './shoot-conditions.ts';
import { nodeServingCertificates, type NodeServingCertificates } from '../kubelet-certs/serving-certificates.ts';

export const WATCH_RESTART_MIN_MS = 50;
export const WATCH_RESTART_MAX_MS = 1_000;
export const ADOPTED_PROCESS_CHECK_MS = 100;
const SYSTEM_COMPONENT_LABEL = 'gardener.cloud/role=system-component';

export type ProcessHandle = { kind: 'started'; process: ManagedProcess } | { kind: 'adopted'; record: ComponentRecord };

export interface MonitorOptions {
  kubeconfig: KubeConfig;
  processes: ReadonlyMap<string, ProcessHandle>;
  expectedNodes: number;
  /** The cert component: off (and why), or the shoot's node names and its approver's state. */
  kubeletServing?:
    | { enabled: false; why: string }
    | {
        enabled: true;
        nodes: readonly string[];
        approver: { running(): boolean; watch(listener: (running: boolean) => void): () => void };
        /** What the shoot's status recorded: certificates whose CSRs were cleaned up since still count. */
        known?: NodeServingCertificates[];
      };
  onChange: (observation: HealthObservation) => void;
}

export class ShootHealthMonitor {
  private readonly options: MonitorOptions;
  private readonly observation: HealthObservation;
  private informers: Array<Informer<KubernetesObject>> = [];
  private timers: NodeJS.Timeout[] = [];
  private stopped = false;
  private readonly listeners: Array<() => void> = [];
  private unwatchApprover?: () => void;

  constructor(options: MonitorOptions) {
    this.options = options;
    // nodes and system components stay undefined until their informers listed them: a condition
    // is only judged once its data was seen
    this.observation = { components: {}, expectedNodes: options.expectedNodes };
  }

  current(): HealthObservation {
    return structuredClone(this.observation);
  }

  start(): void {
    for (const [name, handle] of this.options.processes) {
      if (handle.kind === 'started') {
        this.observation.components[name] = !handle.process.exit;
        const onExit = () => this.update(() => (this.observation.components[name] = false));
        handle.process.waitForExit().then(onExit, onExit);
      } else {
        this.observation.components[name] = componentAlive(handle.record);
        const timer = setInterval(() => {
          const alive = componentAlive(handle.record);
          if (alive !== this.observation.components[name]) this.update(() => (this.observation.components[name] = alive));
        }, ADOPTED_PROCESS_CHECK_MS);
        timer.unref();
        this.timers.push(timer);
      }
    }
    const kc = this.options.kubeconfig;
    const core = kc.makeApiClient(CoreV1Api);
    const apps = kc.makeApiClient(AppsV1Api);
    const serving = this.options.kubeletServing;
    if (serving?.enabled) {
      this.observation.kubeletServing = { enabled: true, approverRunning: serving.approver.running() };
      this.unwatchApprover = serving.approver.watch((running) =>
        this.update(() => {
          if (this.observation.kubeletServing?.enabled) this.observation.kubeletServing.approverRunning = running;
        }),
      );
      // every CSR (the client cannot watch with a field selector); the kubelet-serving ones are picked out
      const certificates = kc.makeApiClient(CertificatesV1Api);
      let known = serving.known ?? [];
      this.watch<V1CertificateSigningRequest>(makeInformer(kc, '/apis/certificates.k8s.io/v1/certificatesigningrequests', () => certificates.listCertificateSigningRequest()), (items) => {
        known = nodeServingCertificates(items, serving.nodes, known);
        if (this.observation.kubeletServing?.enabled) this.observation.kubeletServing.nodes = known;
      });
    } else if (serving) {
      this.observation.kubeletServing = serving;
    }
    this.watch<V1Node>(makeInformer(kc, '/api/v1/nodes', () => core.listNode()), (items) => {
      this.observation.nodes = items.map((n) => ({
        name: n.metadata?.name ?? '',
        ready: n.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'True',
      }));
    });
    this.watch<V1Deployment>(
      makeInformer(kc, '/apis/apps/v1/namespaces/kube-system/deployments', () => apps.listNamespacedDeployment({ namespace: 'kube-system', labelSelector: SYSTEM_COMPONENT_LABEL }), SYSTEM_COMPONENT_LABEL),
      (items) => {
        this.observation.systemComponents = items.map((d) => ({ name: d.metadata?.name ?? '', desired: d.spec?.replicas ?? 1, available: d.status?.availableReplicas ?? 0 }));
      },
    );
    this.emit();
  }

  /** Runs an informer; every event re-derives the observation; a failed watch marks the API server unreachable and restarts with backoff. */
  private watch<T extends KubernetesObject>(informer: Informer<T> & { list(): readonly T[] }, apply: (items: readonly T[]) => void): void {
    this.informers.push(informer as unknown as Informer<KubernetesObject>);
    const refresh = () => this.update(() => {
      this.observation.apiserverReachable = true;
      this.observation.apiserverError = undefined;
      apply(informer.list());
    });
    for (const verb of ['add', 'update', 'delete'] as const) informer.on(verb, refresh);
    restartOnError(informer, {
      stopped: () => this.stopped,
      onError: (error) =>
        this.update(() => {
          this.observation.apiserverReachable = false;
          this.observation.apiserverError = error instanceof Error ? error.message : String(error);
        }),
      onRestarted: refresh,
      minMs: WATCH_RESTART_MIN_MS,
      maxMs: WATCH_RESTART_MAX_MS,
    });
    informer.start().then(refresh, () => {});
  }

  /** Reports the current observation again (e.g. when a condition threshold passes). */
  refresh(): void {
    if (!this.stopped) this.emit();
  }

  private update(mutate: () => void): void {
    if (this.stopped) return;
    mutate();
    this.emit();
  }

  private emit(): void {
    for (const l of this.listeners) l();
    this.options.onChange(this.current());
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.unwatchApprover?.();
    for (const t of this.timers) clearTimeout(t);
    // a watch that already failed may reject its stop: there is nothing left to stop then
    await Promise.all(this.informers.map((i) => i.stop().catch(() => {})));
  }
}
