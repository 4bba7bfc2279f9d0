/**
 * The flows a gardenlet runs for a shoot, as graphs of named tasks (gardener's
 * pkg/utils/flow): the control-plane steps of the local launcher, wrapped with
 * the seed namespace, the shoot's system components and its kubeconfig Secret.
 *
 *   deploy-namespace → allocate-ports, create-pki → … → start-kube-apiserver ─┬─ deploy-coredns ─┐
 *                                                                            ├─ register-nodes → wait-nodes-ready ─┴─ wait-system-components
 *                                                                            ├─ store-kubeconfig
 *                                                                            └─ the cert component (kubelet-certs-tasks.ts) ─ start-node-agents ─┘
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { AppsV1Api } from '@kubernetes/client-node';
import { CleanupStack, Flow, KILL_WAIT_MS, PermanentError, STOP_GRACE_MS, Wait, type Task } from '@seedbed/core';
import type { ResolvedBinaries } from '@seedbed/binaries';
import { KubeRaw, componentAlive, controlPlaneTasks, isStatusCode, loadKubeConfig, untilWatched, type ClusterConfig, type ControlPlaneTasks, type Ports } from '@seedbed/cluster';
import type { Shoot } from '@seedbed/gardener-api';
import { corednsObjects } from '../control-plane/coredns.ts';
import { registryCacheTasks, removeRegistryCacheTask } from '../extensions/registry-cache-deployer.ts';
import { parseRegistryConfig } from '../extensions/registry-cache-config.ts';
import { embeddedKubeconfig } from '../control-plane/embedded-kubeconfig.ts';
import { KUBECONFIG_SECRET, persistentPki, writeSecret } from '../control-plane/shoot-secrets.ts';
import type { RuntimeRecord, ShootRuntimeStore } from '../control-plane/shoot-runtime.ts';
import { InjectedFaultError, faultFor, type GardenletFault } from '../faults/version-catalog.ts';
import { kubeletServingSetting } from '../kubelet-certs/kubelet-certs-config.ts';
import type { KubeletCertsRuntime } from '../kubelet-certs/kubelet-certs-runtime.ts';
import { NODE_AGENTS_TASK, kubeletCertsTasks } from '../kubelet-certs/kubelet-certs-tasks.ts';

export const SYSTEM_COMPONENTS_TIMEOUT_MS = 60_000;

export interface ShootFlowOptions {
  shoot: Shoot;
  config: ClusterConfig;
  technicalId: string;
  seedRaw: KubeRaw;
  binaries: ResolvedBinaries;
  runtime: ShootRuntimeStore;
  /** Where the shoot's CSR approver and node agents run. */
  certs: KubeletCertsRuntime;
  cleanup: CleanupStack;
  componentTimeoutMs?: number;
  nodesTimeoutMs?: number;
  /** Injected faults: the named tasks fail for shoots of the given families. */
  faults?: readonly GardenletFault[];
  /** The gardenlet version, for fault messages. */
  version?: string;
  /** An interrupted earlier run to resume: its ports and the components still running. */
  resume?: RuntimeRecord & { ports: Ports };
}

export interface ShootFlow {
  flow: Flow;
  controlPlane: ControlPlaneTasks;
}

export async function createShootFlow(options: ShootFlowOptions): Promise<ShootFlow> {
  const { shoot, config, technicalId, seedRaw, runtime } = options;
  const dir = await runtime.prepare(technicalId);
  // when resuming, what still runs stays recorded (and so is stopped on teardown) until adopted or replaced
  const record: RuntimeRecord = { technicalId, components: (options.resume?.components ?? []).filter(componentAlive), ports: options.resume?.ports };
  await runtime.write(record);
  const resumable = options.resume;
  const cp = controlPlaneTasks({
    config,
    stateDir: dir,
    binaries: options.binaries,
    cleanup: options.cleanup,
    timeoutMs: options.componentTimeoutMs,
    nodesTimeoutMs: options.nodesTimeoutMs,
    createPki: persistentPki(seedRaw, technicalId, config),
    resume: resumable && { ports: resumable.ports, alive: (name) => resumable.components.find((c) => c.name === name && componentAlive(c)) },
    onPorts: async (ports) => {
      record.ports = ports;
      await runtime.write(record);
    },
    onComponent: async (component) => {
      record.components = [...record.components.filter((c) => c.name !== component.name), component];
      await runtime.write(record);
    },
  });
  const shootKubeconfig = () => loadKubeConfig(cp.result().adminKubeconfig);
  const adminFiles = () => {
    const pki = join(dir, 'pki');
    return { ca: join(pki, 'ca.crt'), cert: join(pki, 'admin.crt'), key: join(pki, 'admin.key') };
  };
  const certs = kubeletServingSetting(shoot);
  const tasks: Task[] = [
    {
      name: 'deploy-namespace',
      run: async () => {
        await seedRaw.apply({
          apiVersion: 'v1',
          kind: 'Namespace',
          metadata: { name: technicalId, labels: { 'gardener.cloud/role': 'shoot', 'shoot.gardener.cloud/name': shoot.metadata.name } },
        });
      },
    },
    // the launcher's steps; the PKI needs the namespace for its Secret
    ...cp.tasks.map((t) => (t.name === 'create-pki' || t.name === 'allocate-ports' ? { ...t, dependencies: [...(t.dependencies ?? []), 'deploy-namespace'] } : t)),
    {
      name: 'store-kubeconfig',
      dependencies: ['start-kube-apiserver'],
      run: async () => {
        const { server, adminKubeconfig } = cp.result();
        record.server = server;
        record.adminKubeconfig = adminKubeconfig;
        await runtime.write(record);
        const kubeconfig = await embeddedKubeconfig(shoot.metadata.name, server, adminFiles());
        await writeSecret(seedRaw, technicalId, KUBECONFIG_SECRET, { kubeconfig });
        // Gardener hands the shoot's admin kubeconfig to the project as <shoot>.kubeconfig
        await writeSecret(seedRaw, shoot.metadata.namespace!, `${shoot.metadata.name}.kubeconfig`, { kubeconfig }, { 'shoot.gardener.cloud/name': shoot.metadata.name });
      },
    },
    {
      name: 'deploy-coredns',
      dependencies: ['start-kube-apiserver'],
      run: async () => {
        const raw = new KubeRaw(shootKubeconfig());
        for (const object of corednsObjects(config)) await raw.apply(object);
      },
    },
    {
      name: 'wait-system-components',
      // 100% only once every node serves with an issued certificate
      dependencies: ['deploy-coredns', 'wait-nodes-ready', ...(certs.enabled ? [NODE_AGENTS_TASK] : [])],
      run: async ({ signal }) => {
        const kubeConfig = shootKubeconfig();
        const apps = kubeConfig.makeApiClient(AppsV1Api);
        // driven by a watch on kube-system's deployments, not polled
        const wait = new Wait({ what: 'CoreDNS to be available in the shoot', timeoutMs: SYSTEM_COMPONENTS_TIMEOUT_MS, intervalMs: 5_000, signal });
        await untilWatched({ kubeConfig, path: '/apis/apps/v1/namespaces/kube-system/deployments', list: () => apps.listNamespacedDeployment({ namespace: 'kube-system' }) }, wait, (deployments) => {
          const d = deployments.find((o) => o.metadata?.name === 'coredns');
          return !!d && (d.status?.availableReplicas ?? 0) >= (d.spec?.replicas ?? 1);
        });
      },
    },
  ];
  tasks.push(...kubeletCertsTasks({ shoot, setting: certs, config, dir, technicalId, seedRaw, certs: options.certs, adminKubeconfig: () => cp.result().adminKubeconfig }));
  const caches = parseRegistryConfig(shoot);
  if (caches) {
    tasks.push(
      ...registryCacheTasks({
        shoot, caches, config, dir, technicalId, seedRaw, cleanup: options.cleanup,
        onComponent: async (component) => {
          record.components = [...record.components.filter((c) => c.name !== component.name), component];
          await runtime.write(record);
        },
      }).tasks,
    );
  } else if (existsSync(join(dir, 'registry-cache')) || existsSync(join(dir, 'nodes'))) {
    tasks.push(removeRegistryCacheTask(shoot, dir, technicalId, seedRaw));
  }
  const faulty = tasks.map((task): Task => {
    const fault = faultFor(options.faults ?? [], task.name, shoot);
    return fault ? { ...task, run: async () => { throw new InjectedFaultError(options.version ?? 'unknown', fault); } } : task;
  });
  return { flow: new Flow(`shoot ${shoot.metadata.namespace}/${shoot.metadata.name}`, faulty), controlPlane: cp };
}

/** SIGTERM grace plus the bounded wait after SIGKILL (stopRecordedProcess), with room to spare. */
const STOP_TASK_TIMEOUT_MS = STOP_GRACE_MS + KILL_WAIT_MS + 5_000;

export function deleteShootFlow(shoot: Shoot, technicalId: string, seedRaw: KubeRaw, runtime: ShootRuntimeStore, certs: KubeletCertsRuntime): Flow {
  return new Flow(`delete shoot ${shoot.metadata.namespace}/${shoot.metadata.name}`, [
    // a process that will not die fails the task (and the queue retries the deletion) instead of hanging it
    { name: 'stop-kubelet-certs', timeoutMs: STOP_TASK_TIMEOUT_MS, run: () => certs.stop(technicalId) },
    { name: 'stop-control-plane', dependencies: ['stop-kubelet-certs'], timeoutMs: STOP_TASK_TIMEOUT_MS, run: () => runtime.stop(technicalId) },
    {
      name: 'delete-namespace',
      dependencies: ['stop-control-plane'],
      run: async () => {
        await seedRaw.delete(`/api/v1/namespaces/${technicalId}`).catch((error: unknown) => {
          if (!isStatusCode(error, 404)) throw error;
        });
        await seedRaw.delete(`/api/v1/namespaces/${shoot.metadata.namespace}/secrets/${shoot.metadata.name}.kubeconfig`).catch((error: unknown) => {
          if (!isStatusCode(error, 404)) throw error;
        });
      },
    },
    {
      name: 'remove-runtime',
      dependencies: ['stop-control-plane'],
      run: async () => {
        if (runtime.allAlive(runtime.read(technicalId))) throw new PermanentError('STOP_FAILED', `control plane of ${technicalId} is still running`);
        await runtime.remove(technicalId);
      },
    },
  ]);
}
