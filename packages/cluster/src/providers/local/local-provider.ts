/**
 * The `local` provider (the default): a full control plane as processes on
 * this machine, modelled on controller-runtime's envtest and extended with
 * kube-controller-manager, kube-scheduler and kwok-simulated nodes. No Docker,
 * no root, no network beyond loopback.
 */
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { LOCAL_CLUSTER_BINARIES, resolveBinaries } from '@seedbed/binaries';
import { CleanupStack, SeedbedError, commandExists, silentProgress, stopRecordedProcess, systemClock, type Clock } from '@seedbed/core';
import type { ClusterConfig } from '../../config/kind-config.ts';
import { StateStore, componentAlive, type ClusterRecord, type ComponentRecord } from '../../state/state-store.ts';
import type { Availability, ClusterInfo, ClusterProvider, CreateOptions } from '../provider.ts';
import { startControlPlane } from './control-plane.ts';


export class LocalProvider implements ClusterProvider {
  readonly name = 'local' as const;
  private readonly store: StateStore;
  private readonly clock: Clock;

  constructor(store = new StateStore(), clock: Clock = systemClock) {
    this.store = store;
    this.clock = clock;
  }

  async available(): Promise<Availability> {
    try {
      await resolveBinaries({ names: LOCAL_CLUSTER_BINARIES, build: false });
      return { ok: true };
    } catch (error) {
      // not built yet: fine when go can build them on first use
      if (await commandExists('go')) return { ok: true };
      return {
        ok: false,
        reason: error instanceof Error ? error.message : String(error),
        hint: 'run `npm run binaries` once (builds them with go) or set SEEDBED_BIN_DIR',
      };
    }
  }

  async create(config: ClusterConfig, options: CreateOptions = {}): Promise<ClusterInfo> {
    const progress = options.progress ?? silentProgress;
    if (this.store.exists(config.name)) {
      if (!this.store.isStale(config.name)) {
        throw new SeedbedError('CLUSTER_EXISTS', `cluster "${config.name}" is already running (local provider)`, {
          hint: `use it (seedbed cluster kubeconfig --name ${config.name}), remove it (seedbed cluster down --name ${config.name}) or pick another --name`,
        });
      }
      progress.info(`cluster "${config.name}" was left behind by a crashed run; cleaning it up first`);
      await this.teardown(config.name);
    }
    const binaries = await resolveBinaries({ names: LOCAL_CLUSTER_BINARIES, progress, signal: options.signal });
    const stateDir = await this.store.create(config.name);
    const cleanup = new CleanupStack();
    cleanup.add('remove state directory', () => this.store.remove(config.name));
    const record: ClusterRecord = {
      name: config.name,
      provider: 'local',
      status: 'starting',
      families: config.families,
      server: '',
      kubeconfigPath: join(stateDir, 'kubeconfig'),
      podSubnets: config.podSubnets.map((c) => c.text),
      serviceSubnets: config.serviceSubnets.map((c) => c.text),
      stateDir,
      components: [],
      ownerPid: process.pid,
      createdAt: new Date().toISOString(),
    };
    await this.store.write(record);
    await writeFile(join(stateDir, 'config.json'), JSON.stringify(config.raw, null, 2));
    try {
      const started = this.clock.now();
      const controlPlane = await startControlPlane({
        config,
        stateDir,
        binaries,
        cleanup,
        signal: options.signal,
        timeoutMs: options.timeoutMs,
        onComponent: async (component) => {
          record.components.push(component);
          await this.store.write(record);
        },
        onEvent: (event) => {
          if (event.type === 'task-started' && event.attempt === 1) progress.step(event.task, 'start');
          if (event.type === 'task-succeeded') progress.step(event.task, 'done', `${Math.round(event.durationMs)}ms`);
          if (event.type === 'task-failed') progress.step(event.task, 'failed');
        },
      });
      record.status = 'running';
      record.server = controlPlane.server;
      await this.store.write(record);
      progress.info(`cluster "${config.name}" ready in ${((this.clock.now() - started) / 1000).toFixed(1)}s`);
      return toInfo(record);
    } catch (error) {
      const failures = await cleanup.run();
      if (failures.length) {
        throw new SeedbedError('CLEANUP_FAILED', `bring-up failed and cleanup was incomplete: ${failures.join('; ')}`, { cause: error });
      }
      throw error;
    }
  }

  async delete(name: string): Promise<void> {
    if (!this.store.exists(name)) {
      const known = await this.store.names();
      throw new SeedbedError('CLUSTER_NOT_FOUND', `no local cluster named "${name}"`, {
        hint: known.length ? `known clusters: ${known.join(', ')}` : 'there are no local clusters; create one with `seedbed cluster up`',
      });
    }
    await this.teardown(name);
  }

  /** Stops every recorded component (newest first, verifying each pid is still ours) and removes the state directory. */
  private async teardown(name: string): Promise<void> {
    const record = this.store.read(name);
    const components = record?.components ?? [];
    // everything that talks to etcd first, then etcd, so the API server never waits on a dead store
    await Promise.all(components.filter((c) => c.name !== 'etcd').map((c) => this.stopComponent(c)));
    await Promise.all(components.filter((c) => c.name === 'etcd').map((c) => this.stopComponent(c)));
    const survivors = components.filter((c) => componentAlive(c));
    if (survivors.length) {
      throw new SeedbedError('TEARDOWN_FAILED', `could not stop ${survivors.map((c) => `${c.name} (pid ${c.pid})`).join(', ')}`, {
        hint: 'stop them by hand (kill -9 PID), then run `seedbed cluster down` again',
      });
    }
    await this.store.remove(name);
  }

  private async stopComponent(component: ComponentRecord): Promise<void> {
    // a survivor is reported by teardown()
    await stopRecordedProcess(component.pid, () => componentAlive(component), { clock: this.clock });
  }

  async list(): Promise<ClusterInfo[]> {
    const infos: ClusterInfo[] = [];
    for (const name of await this.store.names()) {
      const record = this.store.read(name);
      if (!record) {
        infos.push({ name, provider: 'local', status: 'stale', families: [], server: '', kubeconfigPath: '', podSubnets: [], serviceSubnets: [], stateDir: this.store.dir(name) });
        continue;
      }
      infos.push({ ...toInfo(record), status: this.store.isStale(name) ? 'stale' : record.status });
    }
    return infos;
  }

  async info(name: string): Promise<ClusterInfo> {
    const found = (await this.list()).find((c) => c.name === name);
    if (!found) {
      throw new SeedbedError('CLUSTER_NOT_FOUND', `no local cluster named "${name}"`, { hint: 'list clusters with `seedbed cluster status`' });
    }
    return found;
  }

  async kubeconfig(name: string): Promise<string> {
    const info = await this.info(name);
    if (!existsSync(info.kubeconfigPath)) {
      throw new SeedbedError('CLUSTER_NOT_READY', `cluster "${name}" has no kubeconfig yet (status ${info.status})`);
    }
    return info.kubeconfigPath;
  }

  /** Removes every stale cluster (left by crashed runs); returns their names. */
  async pruneStale(): Promise<string[]> {
    const stale = (await this.list()).filter((c) => c.status === 'stale').map((c) => c.name);
    for (const name of stale) await this.teardown(name);
    return stale;
  }
}

function toInfo(record: ClusterRecord): ClusterInfo {
  return {
    name: record.name,
    provider: 'local',
    status: record.status,
    families: record.families,
    server: record.server,
    kubeconfigPath: record.kubeconfigPath,
    podSubnets: record.podSubnets,
    serviceSubnets: record.serviceSubnets,
    stateDir: record.stateDir,
  };
}
