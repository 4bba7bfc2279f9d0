/**
 * Installs the registry cache for a shoot, as Gardener's registry-cache
 * extension does but with one cache serving every upstream of the shoot:
 * a process reachable in the shoot's IP families, holding upstream
 * credentials from the referenced Secrets, and — only once it answers — a
 * containerd certs.d/<upstream>/hosts.toml per node (plus, on IPv6-only
 * shoots, an /etc/hosts entry naming the cache, since containerd 1.6 ignores
 * IPv6 literals in hosts.toml). Removing the extension removes all of it.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { KubeRaw, isStatusCode, type ClusterConfig, type ComponentRecord } from '@seedbed/cluster';
import { ManagedProcess, PermanentError, Wait, allocatePort, hostPort, type CleanupStack, type Task } from '@seedbed/core';
import { processStartTicks } from '@seedbed/cluster';
import { defaultRegistryServer, hostsFileEntry, renderHostsToml } from '@seedbed/registry-cache';
import { shootPath, type Shoot } from '@seedbed/gardener-api';
import type { RegistryCache } from './registry-cache-config.ts';

export const NODE_CONFIG_MAP = 'registry-cache-node-config';
export const CACHE_COMPONENT = 'registry-cache';
export const CACHE_READY_TIMEOUT_MS = 30_000;
const CACHE_MAIN = fileURLToPath(new URL('../../../registry-cache/src/main.ts', import.meta.url));

export interface CacheEndpoint {
  upstream: string;
  endpoint: string;
  remoteURL: string;
}

export interface RegistryCacheTaskOptions {
  shoot: Shoot;
  caches: RegistryCache[];
  config: ClusterConfig;
  dir: string;
  technicalId: string;
  seedRaw: KubeRaw;
  cleanup: CleanupStack;
  onComponent: (component: ComponentRecord) => Promise<void>;
}

/** The name IPv6-only nodes reach the cache by (mapped to ::1 in the node's /etc/hosts). */
export const cacheHostName = (technicalId: string) => `registry-cache.${technicalId}.local`;
const configKey = (node: string, upstream: string) => `${node}_${upstream.replace(/:/g, '_')}_hosts.toml`;

async function credentials(raw: KubeRaw, shoot: Shoot, cache: RegistryCache, dir: string): Promise<{ username?: string; passwordFile?: string }> {
  if (!cache.secretReferenceName) return {};
  const resource = (shoot.spec as { resources?: Array<{ name: string; resourceRef: { name: string } }> }).resources?.find((r) => r.name === cache.secretReferenceName);
  const secret = await raw.get<{ data?: Record<string, string> }>(`/api/v1/namespaces/${shoot.metadata.namespace}/secrets/${resource!.resourceRef.name}`);
  const read = (key: string) => (secret.data?.[key] ? Buffer.from(secret.data[key]!, 'base64').toString('utf8') : undefined);
  const username = read('username');
  const password = read('password');
  if (!username || !password) throw new PermanentError('INVALID_SECRET', `secret ${resource!.resourceRef.name} for ${cache.upstream} needs the keys username and password`);
  const passwordFile = join(dir, 'secrets', cache.upstream.replace(/:/g, '_'));
  await mkdir(join(dir, 'secrets'), { recursive: true, mode: 0o700 });
  await writeFile(passwordFile, password, { mode: 0o600 });
  return { username, passwordFile };
}

export function registryCacheTasks(options: RegistryCacheTaskOptions): { tasks: Task[]; endpoints: () => CacheEndpoint[] } {
  const { shoot, caches, config, dir, technicalId, seedRaw } = options;
  const cacheDir = join(dir, 'registry-cache');
  let endpoints: CacheEndpoint[] = [];
  let listen: string[] = [];
  const deploy: Task = {
    name: 'deploy-registry-cache',
    dependencies: ['deploy-namespace'],
    run: async ({ signal }) => {
      await mkdir(join(cacheDir, 'storage'), { recursive: true });
      listen = [];
      for (const family of config.families) {
        const host = family === 'ipv6' ? '::1' : '127.0.0.1';
        listen.push(hostPort(host, await allocatePort(host)));
      }
      const upstreams: Record<string, unknown> = {};
      for (const cache of caches) upstreams[cache.upstream] = { url: cache.remoteURL, ...(await credentials(seedRaw, shoot, cache, cacheDir)) };
      const configFile = join(cacheDir, 'config.yaml');
      await writeFile(configFile, stringify({ listen, storage: join(cacheDir, 'storage'), upstreams }));
      const cache = new ManagedProcess({
        name: CACHE_COMPONENT,
        command: process.execPath,
        args: ['--import', 'tsx', CACHE_MAIN, 'registry-cache', 'serve', '--config', configFile],
        logFile: join(dir, 'logs', `${CACHE_COMPONENT}.log`),
        cwd: fileURLToPath(new URL('../../../../', import.meta.url)),
      }).start();
      options.cleanup.add(`stop ${CACHE_COMPONENT}`, () => cache.stop());
      await options.onComponent({ name: CACHE_COMPONENT, pid: cache.pid!, startTicks: processStartTicks(cache.pid!), logFile: cache.spec.logFile });
      await new Wait({ what: `the registry cache of ${technicalId} to answer on ${listen.join(', ')}`, timeoutMs: CACHE_READY_TIMEOUT_MS, intervalMs: 100, signal, component: { name: CACHE_COMPONENT, logTail: () => cache.logTail(15) } }).until(async () => {
        if (cache.exit) throw new PermanentError('COMPONENT_EXITED', `registry-cache exited:\n${cache.logTail(15).join('\n')}`);
        const answers = await Promise.all(listen.map((l) => fetch(`http://${l}/`).then((r) => r.ok, () => false)));
        return answers.every(Boolean);
      });
      // the node-facing endpoint: the primary family; IPv6 by name, IPv4 by address
      const primary = listen[0]!;
      const port = primary.slice(primary.lastIndexOf(':') + 1);
      const endpoint = config.families[0] === 'ipv6' ? `http://${cacheHostName(technicalId)}:${port}` : `http://${primary}`;
      endpoints = caches.map((c) => ({ upstream: c.upstream, endpoint, remoteURL: c.remoteURL }));
    },
  };
  const configure: Task = {
    name: 'configure-node-mirrors',
    dependencies: ['deploy-registry-cache', 'register-nodes'],
    run: async () => {
      const data: Record<string, string> = {};
      for (const node of config.nodes) {
        for (const entry of endpoints) {
          const file = renderHostsToml({ registry: entry.upstream, mirror: entry.endpoint, server: defaultRegistryServer(entry.upstream) });
          const path = join(dir, 'nodes', node.name, 'certs.d', file.path);
          await mkdir(join(path, '..'), { recursive: true });
          await writeFile(path, file.content);
          data[configKey(node.name, entry.upstream)] = file.content;
        }
        if (config.families[0] === 'ipv6') {
          const hosts = `127.0.0.1 localhost\n::1 localhost\n${hostsFileEntry(cacheHostName(technicalId), '::1')}`;
          await writeFile(join(dir, 'nodes', node.name, 'hosts'), hosts);
          data[`${node.name}_etc_hosts`] = hosts;
        }
      }
      await seedRaw.apply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: NODE_CONFIG_MAP, namespace: technicalId }, data });
      await seedRaw.patch(`${shootPath(shoot.metadata.namespace!, shoot.metadata.name)}/status`, {
        status: { registryCache: { caches: endpoints } },
      });
    },
  };
  return { tasks: [deploy, configure], endpoints: () => endpoints };
}

/** When the extension is gone: stop the cache, remove node configuration and status. */
export function removeRegistryCacheTask(shoot: Shoot, dir: string, technicalId: string, seedRaw: KubeRaw): Task {
  return {
    name: 'remove-registry-cache',
    dependencies: ['deploy-namespace'],
    run: async () => {
      await rm(join(dir, 'nodes'), { recursive: true, force: true });
      await rm(join(dir, 'registry-cache'), { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
      await seedRaw.delete(`/api/v1/namespaces/${technicalId}/configmaps/${NODE_CONFIG_MAP}`).catch((error: unknown) => {
        if (!isStatusCode(error, 404)) throw error;
      });
      await seedRaw.patch(`${shootPath(shoot.metadata.namespace!, shoot.metadata.name)}/status`, { status: { registryCache: null } });
    },
  };
}
