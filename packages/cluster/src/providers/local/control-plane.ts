/**
 * Brings up a local control plane as a flow of named steps:
 *
 *   allocate-ports ─┬─ start-etcd ───────────────┐
 *   create-pki ─────┴─ write-kubeconfigs ─ start-kube-apiserver ─┬─ start-kube-controller-manager ─┐
 *                                                                ├─ start-kube-scheduler            ├─ wait-nodes-ready
 *                                                                ├─ start-kwok ─────────────────────┤
 *                                                                └─ register-nodes ─────────────────┘
 *
 * Every process is recorded in the cluster's state file as soon as it starts,
 * so a crashed run is detectable and cleanable; on failure or abort the
 * caller's cleanup stops what was started. Waits name what they await and
 * show the failing component's last log lines.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CoreV1Api, type V1Node } from '@kubernetes/client-node';
import {
  Flow,
  ManagedProcess,
  PermanentError,
  SeedbedError,
  Wait,
  allocatePorts,
  isPortInUse,
  hostPort,
  type CleanupStack,
  type FlowEvent,
  type Task,
} from '@seedbed/core';
import type { ResolvedBinaries } from '@seedbed/binaries';
import type { ClusterConfig } from '../../config/kind-config.ts';
import { callApi, isStatus, loadKubeConfig } from '../../kube/kube-client.ts';
import { untilWatched } from '../../kube/watch-until.ts';
import { componentAlive, processStartTicks, type ComponentRecord } from '../../state/state-store.ts';
import { createClusterPki, type ClusterPki } from './cluster-pki.ts';
import {
  apiserverArgs,
  apiserverUrl,
  etcdArgs,
  controllerManagerArgs,
  etcdUrl,
  kwokArgs,
  primaryHost,
  schedulerArgs,
  type ComponentCommand,
  type Layout,
  type Ports,
} from './component-args.ts';
import { expectOk, type TlsFiles } from './http-probe.ts';
import { renderKubeconfig } from './kubeconfig.ts';
import { renderKwokConfig } from './kwok-stages.ts';
import { releaseNodeLeases } from './node-leases.ts';
import { simulatedNodes } from './simulated-nodes.ts';

export const COMPONENT_READY_TIMEOUT_MS = 60_000;
export const NODES_READY_TIMEOUT_MS = 60_000;

export interface ControlPlaneOptions {
  config: ClusterConfig;
  stateDir: string;
  binaries: ResolvedBinaries;
  cleanup: CleanupStack;
  /** Called whenever a component starts, to persist it. */
  onComponent: (component: ComponentRecord) => Promise<void>;
  onEvent?: (event: FlowEvent) => void;
  signal?: AbortSignal;
  timeoutMs?: number;
  /** How long to wait for nodes (default NODES_READY_TIMEOUT_MS, or timeoutMs). */
  nodesTimeoutMs?: number;
  /** Where the PKI comes from (default: a fresh one in stateDir/pki); lets callers restore it from Secrets. */
  createPki?: (dir: string) => Promise<ClusterPki>;
  /**
   * Resuming an interrupted bring-up: the ports it used, and the components
   * still running from it (adopted instead of started again).
   */
  resume?: { ports: Ports; alive: (name: string) => ComponentRecord | undefined };
  /** Called once ports are chosen, so an interrupted run can be resumed with them. */
  onPorts?: (ports: Ports) => Promise<void>;
}

/** What readiness waits need of a component, started here or adopted from an earlier run. */
interface ComponentHandle {
  spec: { name: string };
  readonly exit?: { code: number | null; signal: NodeJS.Signals | null };
  logTail(lines?: number): string[];
}

function adoptedHandle(record: ComponentRecord): ComponentHandle {
  const reader = new ManagedProcess({ name: record.name, command: '', args: [], logFile: record.logFile });
  return {
    spec: { name: record.name },
    get exit() {
      return componentAlive(record) ? undefined : { code: null, signal: null };
    },
    logTail: (lines) => reader.logTail(lines),
  };
}

export interface ControlPlane {
  server: string;
  adminKubeconfig: string;
  ports: Ports;
}

export interface ControlPlaneTasks {
  /** The named steps, for a caller's own flow (a shoot adds its own around them). */
  tasks: Task[];
  /** The started processes by component name. */
  processes: ReadonlyMap<string, ManagedProcess>;
  /** Components adopted from an interrupted earlier run. */
  adopted: ReadonlyMap<string, ComponentRecord>;
  /** Valid once every task has succeeded. */
  result: () => ControlPlane;
}

export async function startControlPlane(options: ControlPlaneOptions): Promise<ControlPlane> {
  const built = controlPlaneTasks(options);
  await new Flow(`cluster ${options.config.name}`, built.tasks).run({ signal: options.signal, onEvent: options.onEvent });
  return built.result();
}

export function controlPlaneTasks(options: ControlPlaneOptions): ControlPlaneTasks {
  const { config, stateDir, binaries, cleanup, signal } = options;
  const timeoutMs = options.timeoutMs ?? COMPONENT_READY_TIMEOUT_MS;
  const host = primaryHost(config);
  let ports!: Ports;
  let pki!: ClusterPki;
  let layout!: Layout;
  const server = () => apiserverUrl(config, ports);
  const processes = new Map<string, ManagedProcess>();

  const adopted = new Map<string, ComponentRecord>();
  const handles = new Map<string, ComponentHandle>();
  const start = async (command: ComponentCommand): Promise<ComponentHandle> => {
    const running = options.resume?.alive(command.name);
    if (running) {
      adopted.set(command.name, running);
      await options.onComponent(running);
      const handle = adoptedHandle(running);
      handles.set(command.name, handle);
      return handle;
    }
    const process = new ManagedProcess({
      name: command.name,
      command: binaries.path(command.name),
      args: command.args,
      logFile: join(stateDir, 'logs', `${command.name}.log`),
      cwd: stateDir,
    }).start();
    processes.set(command.name, process);
    handles.set(command.name, process);
    cleanup.add(`stop ${command.name}`, () => process.stop());
    const pid = process.pid;
    if (pid === undefined) throw new SeedbedError('START_FAILED', `${command.name} could not be started (${binaries.path(command.name)})`);
    await options.onComponent({ name: command.name, pid, startTicks: processStartTicks(pid), logFile: process.spec.logFile });
    return process;
  };

  /** Waits for a URL to answer 200, failing early (with its logs) if the component exits. */
  const awaitHealthy = async (component: ComponentHandle, what: string, url: string, tls: TlsFiles) => {
    const healthy = expectOk(url, tls);
    const exited = () =>
      new PermanentError(
        'COMPONENT_EXITED',
        `${component.spec.name} exited (${component.exit?.signal ?? `code ${component.exit?.code}`}) while waiting for ${what}\n--- last log lines of ${component.spec.name} ---\n${component.logTail(20).join('\n')}`,
      );
    await new Wait({
      what: `${what} (${url})`,
      timeoutMs,
      intervalMs: 50,
      signal,
      component: { name: component.spec.name, logTail: () => component.logTail(20) },
    })
      .until(() => (component.exit ? Promise.reject(exited()) : healthy()))
      .catch((error: unknown) => {
        // an exited component is final: report that rather than a timeout
        throw component.exit ? exited() : error;
      });
  };

  const adminTls = () => ({ ca: pki.caCert, cert: pki.admin.cert, key: pki.admin.key });

  const tasks: Task[] = [
    {
      name: 'allocate-ports',
      run: async () => {
        if (options.resume) {
          ports = options.resume.ports;
          return;
        }
        if (config.apiServerPort !== undefined && (await isPortInUse(host, config.apiServerPort))) {
          throw new PermanentError('PORT_IN_USE', `networking.apiServerPort ${config.apiServerPort} is already in use on ${host}`, {
            hint: 'stop what listens there, choose another apiServerPort, or remove it from the config to get a free port',
          });
        }
        const [etcdClient, etcdPeer, apiserver, controllerManager, scheduler] = await allocatePorts(host, 5);
        ports = {
          etcdClient: etcdClient!,
          etcdPeer: etcdPeer!,
          apiserver: config.apiServerPort ?? apiserver!,
          controllerManager: controllerManager!,
          scheduler: scheduler!,
        };
        await options.onPorts?.(ports);
      },
    },
    { name: 'create-pki', run: async () => void (pki = await (options.createPki ?? ((dir) => createClusterPki(config, dir)))(join(stateDir, 'pki'))) },
    {
      name: 'write-kubeconfigs',
      dependencies: ['allocate-ports', 'create-pki'],
      run: async () => {
        const write = async (file: string, user: string, certs: { cert: string; key: string }) => {
          const path = join(stateDir, file);
          const yaml = renderKubeconfig({ clusterName: config.name, server: server(), caFile: pki.caCert, certFile: certs.cert, keyFile: certs.key, user });
          await writeFile(path, yaml, { mode: 0o600 });
          return path;
        };
        const kwokConfig = join(stateDir, 'kwok.yaml');
        await writeFile(kwokConfig, renderKwokConfig());
        layout = {
          stateDir,
          pki,
          kwokConfig,
          kubeconfigs: {
            admin: await write('kubeconfig', 'kubernetes-admin', pki.admin),
            controllerManager: await write('kube-controller-manager.kubeconfig', 'system:kube-controller-manager', pki.controllerManager),
            scheduler: await write('kube-scheduler.kubeconfig', 'system:kube-scheduler', pki.scheduler),
            kwok: await write('kwok.kubeconfig', 'seedbed:kwok', pki.kwok),
          },
        };
      },
    },
    {
      name: 'start-etcd',
      dependencies: ['write-kubeconfigs'],
      run: async () => {
        const etcd = await start(etcdArgs(config, ports, layout));
        await awaitHealthy(etcd, 'etcd to be healthy', `${etcdUrl(config, ports.etcdClient)}/health`, {});
      },
    },
    {
      name: 'start-kube-apiserver',
      dependencies: ['start-etcd'],
      run: async () => {
        const apiserver = await start(apiserverArgs(config, ports, layout));
        await awaitHealthy(apiserver, 'kube-apiserver to be ready', `${server()}/readyz`, adminTls());
      },
    },
    {
      name: 'start-kube-controller-manager',
      dependencies: ['start-kube-apiserver'],
      run: async () => {
        const kcm = await start(controllerManagerArgs(config, ports, layout));
        await awaitHealthy(kcm, 'kube-controller-manager to be healthy', `https://${hostPort(host, ports.controllerManager)}/healthz`, { insecure: true });
      },
    },
    {
      name: 'start-kube-scheduler',
      dependencies: ['start-kube-apiserver'],
      run: async () => {
        const scheduler = await start(schedulerArgs(config, ports, layout));
        await awaitHealthy(scheduler, 'kube-scheduler to be healthy', `https://${hostPort(host, ports.scheduler)}/healthz`, { insecure: true });
      },
    },
    {
      name: 'start-kwok',
      dependencies: ['start-kube-apiserver'],
      run: async () => {
        // a new kwok on existing data must not wait 40 s for its predecessor's leases to expire (see node-leases.ts)
        if (!options.resume?.alive('kwok')) {
          await releaseNodeLeases(loadKubeConfig(layout.kubeconfigs.admin), config.nodes.filter((n) => n.simulated !== false).map((n) => n.name));
        }
        await start(kwokArgs(config, ports, layout));
      },
    },
    {
      name: 'register-nodes',
      dependencies: ['start-kube-apiserver'],
      run: async () => {
        const api = loadKubeConfig(layout.kubeconfigs.admin).makeApiClient(CoreV1Api);
        for (const node of simulatedNodes(config)) {
          // idempotent: a re-run against existing etcd data finds its nodes registered already
          await callApi(`create node ${node.metadata?.name}`, () => api.createNode({ body: node })).catch((error: unknown) => {
            if (!isStatus(error, 409)) throw error;
          });
        }
      },
    },
    {
      name: 'wait-nodes-ready',
      dependencies: ['register-nodes', 'start-kwok', 'start-kube-controller-manager'],
      run: async () => {
        const kubeConfig = loadKubeConfig(layout.kubeconfigs.admin);
        const api = kubeConfig.makeApiClient(CoreV1Api);
        let last: readonly V1Node[] = [];
        const kwok = handles.get('kwok')!;
        // driven by a watch on the nodes; the interval only catches kwok exiting
        const wait = new Wait({
          what: `${config.nodes.length} nodes to be Ready with ${config.families.join('+')} podCIDRs`,
          timeoutMs: options.nodesTimeoutMs ?? options.timeoutMs ?? NODES_READY_TIMEOUT_MS,
          intervalMs: 1_000,
          signal,
          component: { name: 'kwok', logTail: () => [`nodes: ${describeNodes(last)}`, ...kwok.logTail(15)] },
        });
        await untilWatched({ kubeConfig, path: '/api/v1/nodes', list: () => api.listNode() }, wait, (nodes) => {
          if (kwok.exit) throw new PermanentError('COMPONENT_EXITED', `kwok exited (${kwok.exit.signal ?? `code ${kwok.exit.code}`}):\n${kwok.logTail(20).join('\n')}`);
          last = nodes;
          return nodes.length === config.nodes.length && nodes.every((n) => nodeReady(n, config.families.length));
        });
      },
    },
  ];

  return { tasks, processes, adopted, result: () => ({ server: server(), adminKubeconfig: layout.kubeconfigs.admin, ports }) };
}

export function nodeReady(node: V1Node, families: number): boolean {
  const ready = node.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'True';
  return ready && (node.spec?.podCIDRs?.length ?? 0) === families;
}

function describeNodes(nodes: readonly V1Node[]): string {
  if (nodes.length === 0) return 'none registered';
  return nodes
    .map((n) => `${n.metadata?.name} Ready=${n.status?.conditions?.find((c) => c.type === 'Ready')?.status ?? 'unknown'} podCIDRs=${n.spec?.podCIDRs?.join(',') || 'none'}`)
    .join('; ');
}
