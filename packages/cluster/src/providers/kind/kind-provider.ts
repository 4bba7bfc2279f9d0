/**
 * The `kind` provider: the real kind CLI (built from the pinned module under
 * tools/kind) on seedbed's container engine (@seedbed/engine: a running
 * Docker/Podman, else a dockerd seedbed starts), with the node image from
 * @seedbed/node-image (kindest/node:<pinned version> if present, else
 * seedbed's own offline build) and the same kind-configs/ files the local
 * provider reads. Bring-up is a flow of named steps; a failed or interrupted
 * one removes what kind created.
 */
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { CoreV1Api } from '@kubernetes/client-node';
import { resolveBinaries } from '@seedbed/binaries';
import { CommandError, Flow, FlowError, SeedbedError, Wait, describeError, lastLines, runCommand, silentProgress, stateRoot, type Progress, type Task } from '@seedbed/core';
import { detectEngine, engineEnv, ensureEngine, findDockerd, requirePrivileged, runDocker, DOCKER_IO_HINT, type Engine } from '@seedbed/engine';
import { resolveNodeImage } from '@seedbed/node-image';
import { parseKindConfig, type ClusterConfig } from '../../config/kind-config.ts';
import { loadKubeConfig } from '../../kube/kube-client.ts';
import { nodeReady } from '../local/control-plane.ts';
import type { Availability, ClusterInfo, ClusterProvider, CreateOptions } from '../provider.ts';
import { renderKindConfig } from './kind-config-file.ts';
import { KindNetwork } from './kind-network.ts';

/** Overrides the node image (any image in the engine's store). */
export const KIND_IMAGE_ENV = 'SEEDBED_KIND_IMAGE';
export const KIND_READY_TIMEOUT_MS = 180_000;

export class KindProvider implements ClusterProvider {
  readonly name = 'kind' as const;
  private readonly root: string;

  constructor(root = join(stateRoot(), 'kind')) {
    this.root = root;
  }

  async available(): Promise<Availability> {
    const { engine, tried } = await detectEngine();
    if (!engine && !findDockerd()) return { ok: false, reason: `no container engine (${tried.join('; ')})`, hint: DOCKER_IO_HINT };
    try {
      await resolveBinaries({ names: ['kind'], build: false });
    } catch (error) {
      return { ok: false, reason: (error as Error).message, hint: 'run `npm run binaries -- kind` to build kind' };
    }
    return { ok: true };
  }

  private async kind(engine: Engine, args: string[], options: { signal?: AbortSignal; progress?: Progress } = {}): Promise<string> {
    const binaries = await resolveBinaries({ names: ['kind'], progress: options.progress, signal: options.signal });
    return (await runCommand(binaries.path('kind'), args, { env: engineEnv(engine), signal: options.signal })).stdout;
  }

  private async names(engine: Engine): Promise<string[]> {
    const out = await this.kind(engine, ['get', 'clusters']);
    return out.split('\n').map((s) => s.trim()).filter((s) => s && !s.startsWith('No kind clusters'));
  }

  async create(config: ClusterConfig, options: CreateOptions = {}): Promise<ClusterInfo> {
    const progress = options.progress ?? silentProgress;
    const dir = join(this.root, config.name);
    const configFile = join(dir, 'kind-config.yaml');
    const kubeconfigPath = join(dir, 'kubeconfig');
    const timeoutMs = options.timeoutMs ?? KIND_READY_TIMEOUT_MS;
    let engine!: Engine;
    let image!: string;
    let network!: KindNetwork;
    let kindStarted = false;

    const tasks: Task[] = [
      {
        name: 'container engine',
        run: async ({ signal }) => {
          engine = await ensureEngine({ start: true, progress, signal });
          progress.info(`   engine: ${engine.describe()}`);
        },
      },
      { name: 'privileged containers', dependencies: ['container engine'], run: () => requirePrivileged(engine, { progress }) },
      {
        name: 'cluster name free',
        dependencies: ['container engine'],
        run: async () => {
          if ((await this.names(engine)).includes(config.name)) {
            throw new SeedbedError('CLUSTER_EXISTS', `kind cluster "${config.name}" already exists`, { hint: `remove it first: seedbed cluster down --provider kind --name ${config.name}` });
          }
        },
      },
      {
        name: 'node image',
        dependencies: ['container engine'],
        run: async ({ signal }) => {
          const explicit = process.env[KIND_IMAGE_ENV];
          // kindest/node:<pinned version> if present, else seedbed's image: present, loaded from the cache, or built now (minutes cold, once)
          image = explicit ?? (await resolveNodeImage({ env: engineEnv(engine), progress, signal, build: true })).image;
          progress.info(`   node image: ${image}${explicit ? ` (from ${KIND_IMAGE_ENV})` : ''}`);
        },
      },
      {
        name: 'kind config',
        dependencies: ['container engine'],
        run: async () => {
          const cgroupVersion = (await runDocker(engine, ['info', '--format', '{{.CgroupVersion}}'])).stdout.trim() === '2' ? '2' : '1';
          const rendered = renderKindConfig(config, { cgroupVersion });
          for (const patch of rendered.patches) progress.info(`   seedbed adds: ${patch}`);
          await mkdir(dir, { recursive: true });
          await writeFile(configFile, rendered.yaml);
        },
      },
      {
        name: 'kind create cluster',
        dependencies: ['privileged containers', 'cluster name free', 'node image', 'kind config'],
        run: async ({ signal }) => {
          network = new KindNetwork(engine, this.root);
          await network.beforeCreate(config);
          kindStarted = true;
          // --retain: on failure the nodes stay until their logs are exported; the flow's cleanup removes them
          const args = ['create', 'cluster', '--name', config.name, '--config', configFile, '--image', image, '--kubeconfig', kubeconfigPath, '--wait', `${Math.ceil(timeoutMs / 1000)}s`, '--retain'];
          await this.kind(engine, args, { signal, progress }).catch(async (error: unknown) => {
            const failure = kindCreateError(error, config.name, signal.aborted ? undefined : await this.exportLogs(engine, config.name));
            // the retry starts from nothing: remove what this attempt created
            if (failure instanceof SeedbedError && failure.code === 'KIND_CREATE_FAILED') await this.kind(engine, ['delete', 'cluster', '--name', config.name, '--kubeconfig', kubeconfigPath]);
            throw failure;
          });
        },
        // kubeadm on a loaded 2-core machine fails now and then (seen once in IPv6 with other builds running); a config kind rejects is not retried
        retry: { attempts: 2, initialDelayMs: 2_000, retryable: (error) => error instanceof SeedbedError && error.code === 'KIND_CREATE_FAILED' },
      },
      {
        name: 'all nodes Ready',
        dependencies: ['kind create cluster'],
        run: ({ signal }) => waitNodesReady(kubeconfigPath, config, timeoutMs, signal),
      },
    ];

    try {
      await new Flow(`kind cluster ${config.name}`, tasks).run({
        signal: options.signal,
        onEvent: (event) => {
          if (event.type === 'task-started' && event.attempt === 1) progress.step(event.task, 'start');
          if (event.type === 'task-succeeded') progress.step(event.task, 'done', `${(event.durationMs / 1000).toFixed(1)}s`);
          if (event.type === 'task-failed') progress.step(event.task, 'failed');
          if (event.type === 'task-retrying') progress.step(event.task, 'retry', `attempt ${event.attempt} failed: ${describeError(event.error).split('\n').slice(0, 3).join(' ')}`);
        },
      });
    } catch (error) {
      if (kindStarted) await this.removeCluster(engine, config.name, network).catch(() => {}); // best effort: the bring-up error is the one to report
      throw unwrapSingle(error);
    }
    return this.info(config.name);
  }

  async delete(name: string): Promise<void> {
    const { engine } = await detectEngine();
    const known = engine ? await this.names(engine) : [];
    if (!engine || !known.includes(name)) {
      throw new SeedbedError('CLUSTER_NOT_FOUND', `no kind cluster named "${name}"${engine ? '' : ' (no container engine runs)'}`, {
        hint: known.length ? `kind clusters: ${known.join(', ')}` : 'there are no kind clusters; create one with `seedbed cluster up --provider kind`',
      });
    }
    await this.removeCluster(engine, name, new KindNetwork(engine, this.root));
  }

  /** kind's logs of a failed cluster (journal, kubelet, containerd, pods) under <root>/failed/<name>-<time>; undefined if there are none. */
  private async exportLogs(engine: Engine, name: string): Promise<string | undefined> {
    const dir = join(this.root, 'failed', `${name}-${new Date().toISOString().replaceAll(':', '')}`);
    try {
      await this.kind(engine, ['export', 'logs', dir, '--name', name]);
      return dir;
    } catch {
      return undefined; // no node was created (kind stopped before), so there is nothing to export
    }
  }

  /** Removes the nodes, the cluster's kubeconfig entries, its state, and the network if seedbed created it and it is now unused. */
  private async removeCluster(engine: Engine, name: string, network?: KindNetwork): Promise<string[]> {
    const dir = join(this.root, name);
    const kubeconfigPath = join(dir, 'kubeconfig');
    await this.kind(engine, ['delete', 'cluster', '--name', name, '--kubeconfig', kubeconfigPath]);
    const done = [`deleted kind cluster ${name}`];
    const removed = await network?.afterDelete();
    if (removed) done.push(removed);
    await rm(dir, { recursive: true, force: true });
    return done;
  }

  async list(): Promise<ClusterInfo[]> {
    const { engine } = await detectEngine();
    if (!engine) return [];
    return Promise.all((await this.names(engine)).map((n) => this.info(n)));
  }

  async info(name: string): Promise<ClusterInfo> {
    const kubeconfigPath = await this.kubeconfig(name);
    const server = /server:\s*(\S+)/.exec(await readFile(kubeconfigPath, 'utf8'))?.[1] ?? '';
    const configFile = join(this.root, name, 'kind-config.yaml');
    // a cluster seedbed did not create has no stored config: its families and subnets are unknown here
    const config = existsSync(configFile) ? parseKindConfig(await readFile(configFile, 'utf8'), configFile) : undefined;
    return {
      name,
      provider: 'kind',
      status: 'running',
      families: config?.families ?? [],
      server,
      kubeconfigPath,
      podSubnets: config?.podSubnets.map((c) => c.text) ?? [],
      serviceSubnets: config?.serviceSubnets.map((c) => c.text) ?? [],
      stateDir: join(this.root, name),
    };
  }

  async kubeconfig(name: string): Promise<string> {
    const engine = await ensureEngine();
    const dir = join(this.root, name);
    await mkdir(dir, { recursive: true });
    const path = join(dir, 'kubeconfig');
    await writeFile(path, await this.kind(engine, ['get', 'kubeconfig', '--name', name]), { mode: 0o600 });
    return path;
  }

  /** Loads an image from the engine's store into every node of the cluster. */
  async loadImage(name: string, image: string): Promise<void> {
    const engine = await ensureEngine();
    await this.kind(engine, ['load', 'docker-image', image, '--name', name]);
  }
}

async function waitNodesReady(kubeconfigPath: string, config: ClusterConfig, timeoutMs: number, signal: AbortSignal): Promise<void> {
  const api = loadKubeConfig(kubeconfigPath).makeApiClient(CoreV1Api);
  let last = 'none listed yet';
  await new Wait({
    what: `all ${config.nodes.length} nodes of kind cluster ${config.name} Ready with ${config.families.length} podCIDR(s)`,
    timeoutMs,
    intervalMs: 1_000,
    signal,
    component: { name: 'nodes', logTail: () => [last] },
  }).until(async () => {
    const nodes = (await api.listNode()).items;
    last = nodes.map((n) => `${n.metadata?.name} Ready=${n.status?.conditions?.find((c) => c.type === 'Ready')?.status} podCIDRs=${n.spec?.podCIDRs?.join(',')}`).join('; ');
    return nodes.length === config.nodes.length && nodes.every((n) => nodeReady(n, config.families.length));
  });
}

/** Lines of kind's and kubeadm's output that say what failed (kind's own tail is a Go stack trace). */
const FAILURE_LINE = /^ERROR:|error execution phase|\[ERROR|timed out|failed|couldn't|unable to|refused/i;

/**
 * kind stops before "Creating cluster" when it rejects the config: say so, with kind's words.
 * Otherwise name the lines that say what failed, and where kind's node logs were exported.
 */
function kindCreateError(error: unknown, cluster: string, logs?: string): unknown {
  if (error instanceof CommandError && !/Creating cluster/.test(error.stderr) && /ERROR: failed to create cluster/.test(error.stderr)) {
    const reason = error.stderr.split('\n').filter((l) => /ERROR|invalid|unknown|expected|must/i.test(l)).join('\n').trim();
    return new SeedbedError('KIND_CONFIG_REJECTED', `kind rejected the config of cluster "${cluster}":\n${reason}`, {
      hint: 'fix the field kind names in your kind config (seedbed passes it on unchanged apart from the patches it reports)',
      cause: error,
    });
  }
  if (error instanceof CommandError) {
    const lines = [...new Set(error.stderr.split('\n').map((l) => l.trim()).filter((l) => FAILURE_LINE.test(l) && !/^\S+\.go:\d+/.test(l)))].slice(-15);
    return new SeedbedError('KIND_CREATE_FAILED', `kind create cluster ${cluster} failed:\n${lines.join('\n') || lastLines(error.stderr, 20)}`, {
      hint: logs ? `kind's logs of the nodes (kubelet, containerd, kubeadm, pods): ${logs}` : undefined,
      cause: error,
    });
  }
  return error;
}

/** A flow failing in one task rethrows that task's own error (typed, with its hint). */
function unwrapSingle(error: unknown): unknown {
  if (error instanceof FlowError && error.failures.length === 1 && error.failures[0]!.error instanceof SeedbedError) return error.failures[0]!.error;
  return error;
}
