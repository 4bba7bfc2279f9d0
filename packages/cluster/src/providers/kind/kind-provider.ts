/**
 * The `kind` provider: drives the real kind CLI (built from the pinned module
 * under tools/kind) with the same kind-configs/ files the local provider uses.
 * Needs a container runtime and the kind node image in the local image store.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { resolveBinaries } from '@seedbed/binaries';
import { SeedbedError, runCommand, silentProgress } from '@seedbed/core';
import type { ClusterConfig } from '../../config/kind-config.ts';
import { stateRoot } from '../../state/state-store.ts';
import type { Availability, ClusterInfo, ClusterProvider, CreateOptions } from '../provider.ts';
import { detectEngine, runDocker, type Engine } from '@seedbed/engine';

export const KIND_IMAGE_ENV = 'SEEDBED_KIND_IMAGE';
/** kind v0.33's default node image. */
export const DEFAULT_KIND_NODE_IMAGE = 'kindest/node:v1.37.0';
export const KIND_WAIT = '120s';

export class KindProvider implements ClusterProvider {
  readonly name = 'kind' as const;
  private readonly root: string;

  constructor(root = join(stateRoot(), 'kind')) {
    this.root = root;
  }

  private image(): string {
    return process.env[KIND_IMAGE_ENV] ?? DEFAULT_KIND_NODE_IMAGE;
  }

  async available(): Promise<Availability> {
    const { engine, tried } = await detectEngine();
    if (!engine) {
      return {
        ok: false,
        reason: `no container engine: ${tried.join('; ')}`,
        hint: 'install and start Docker (Debian: apt-get install docker.io && dockerd &), or use the default local provider',
      };
    }
    if (!(await hasImage(engine, this.image()))) {
      return {
        ok: false,
        reason: `the kind node image ${this.image()} is not in the local image store`,
        hint: `load it (docker load -i kindest-node.tar) or name one you have with ${KIND_IMAGE_ENV}=IMAGE; images cannot be pulled on this machine`,
      };
    }
    try {
      await resolveBinaries({ names: ['kind'], build: false });
    } catch (error) {
      return { ok: false, reason: (error as Error).message, hint: 'run `npm run binaries` to build kind' };
    }
    return { ok: true };
  }

  private async kind(args: string[], signal?: AbortSignal): Promise<string> {
    const binaries = await resolveBinaries({ names: ['kind'] });
    return (await runCommand(binaries.path('kind'), args, { signal })).stdout;
  }

  async create(config: ClusterConfig, options: CreateOptions = {}): Promise<ClusterInfo> {
    const progress = options.progress ?? silentProgress;
    const status = await this.available();
    if (!status.ok) throw new SeedbedError('PROVIDER_UNAVAILABLE', `kind provider: ${status.reason}`, { hint: status.hint });
    if ((await this.names()).includes(config.name)) {
      throw new SeedbedError('CLUSTER_EXISTS', `kind cluster "${config.name}" already exists`, { hint: `seedbed cluster down --provider kind --name ${config.name}` });
    }
    const dir = join(this.root, config.name);
    await mkdir(dir, { recursive: true });
    const configFile = join(dir, 'kind-config.yaml');
    await writeFile(configFile, stringify({ ...config.raw, name: config.name }));
    const kubeconfigPath = join(dir, 'kubeconfig');
    progress.step(`kind create cluster ${config.name}`, 'start');
    try {
      await this.kind(['create', 'cluster', '--name', config.name, '--config', configFile, '--image', this.image(), '--kubeconfig', kubeconfigPath, '--wait', KIND_WAIT], options.signal);
    } catch (error) {
      // kind cleans up its own containers on failure unless --retain; make sure
      await this.kind(['delete', 'cluster', '--name', config.name]).catch(() => {});
      throw error;
    }
    progress.step(`kind create cluster ${config.name}`, 'done');
    return this.info(config.name);
  }

  async delete(name: string): Promise<void> {
    if (!(await this.names()).includes(name)) {
      throw new SeedbedError('CLUSTER_NOT_FOUND', `no kind cluster named "${name}"`, { hint: 'list them with `seedbed cluster status --provider kind`' });
    }
    await this.kind(['delete', 'cluster', '--name', name]);
  }

  private async names(): Promise<string[]> {
    const { engine } = await detectEngine();
    if (!engine) return [];
    return (await this.kind(['get', 'clusters'])).split('\n').map((s) => s.trim()).filter((s) => s && !s.startsWith('No kind clusters'));
  }

  async list(): Promise<ClusterInfo[]> {
    return Promise.all((await this.names()).map((n) => this.info(n)));
  }

  async info(name: string): Promise<ClusterInfo> {
    const kubeconfigPath = await this.kubeconfig(name);
    const server = /server:\s*(\S+)/.exec(await this.kind(['get', 'kubeconfig', '--name', name]))?.[1] ?? '';
    return { name, provider: 'kind', status: 'running', families: [], server, kubeconfigPath, podSubnets: [], serviceSubnets: [] };
  }

  async kubeconfig(name: string): Promise<string> {
    const dir = join(this.root, name);
    await mkdir(dir, { recursive: true });
    const path = join(dir, 'kubeconfig');
    await writeFile(path, await this.kind(['get', 'kubeconfig', '--name', name]), { mode: 0o600 });
    return path;
  }

  /** Loads a locally built image into the cluster's nodes. */
  async loadImage(name: string, image: string): Promise<void> {
    await this.kind(['load', 'docker-image', image, '--name', name]);
  }
}

async function hasImage(engine: Engine, reference: string): Promise<boolean> {
  return runDocker(engine, ['image', 'inspect', '--format', '{{.Id}}', reference]).then(() => true, () => false);
}
