/**
 * Steps for the registry-cache extension: an upstream registry (Debian's
 * docker-registry on loopback) holding a multi-layer image, a real containerd
 * standing in for one shoot node's runtime and configured with exactly that
 * node's hosts.toml, pulls through the shoot's cache, and the cache's metrics.
 * The upstream's name resolves to an address where nothing listens, inside
 * the private mount namespace ctr runs in: only the cache can reach it.
 */
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SeedbedError } from '@seedbed/core';
import type { KubeObject } from '@seedbed/cluster';
import { shootPath } from '@seedbed/gardener-api';
import { ShootRuntimeStore, shootTechnicalId, type CacheEndpoint } from '@seedbed/gardenlet';
import { buildOciImage, pushLayout, startContainerd, startDistribution } from '@seedbed/registry-cache/testing';
import { summarize } from './expectations.ts';
import { PROJECT_NAMESPACE } from './shoot-manifests.ts';
import type { Step, StepContext } from './steps.ts';

/** The registry name shoots mirror; it never resolves to a server (see above). */
export const TEST_UPSTREAM = 'registry.seedbed.test';
export const IMAGE = `${TEST_UPSTREAM}/library/app:1`;
const UNREACHABLE = '127.0.0.9';

interface Peers {
  upstreamUrl: string;
  layers: string[];
  stop: () => Promise<void>;
}

const peers = (ctx: StepContext) => ctx.facts.__peers as Peers | undefined;

export const startUpstreamRegistry = (): Step => ({
  title: `start an upstream registry with a 3-layer image as ${IMAGE}`,
  run: async (ctx) => {
    const upstream = await startDistribution();
    const work = mkdtempSync(join(tmpdir(), 'seedbed-upstream-'));
    const image = buildOciImage(join(work, 'layout'), 'v1', [400_000, 120_000, 30_000]);
    await pushLayout(image.dir, 'v1', `${upstream.host}/library/app:1`);
    const stop = async () => {
      await upstream.stop();
      rmSync(work, { recursive: true, force: true });
    };
    ctx.landscape.onDown(stop);
    ctx.facts.__peers = { upstreamUrl: upstream.url, layers: image.layers.map((l) => l.digest), stop } satisfies Peers;
    ctx.facts.upstream = upstream.url;
  },
});

/** The registry-cache extension entry for a shoot, mirroring TEST_UPSTREAM to the started upstream. */
export function registryCacheExtension(remoteURL: string): Record<string, unknown> {
  return {
    type: 'registry-cache',
    providerConfig: {
      apiVersion: 'registry.extensions.gardener.cloud/v1alpha3',
      kind: 'RegistryConfig',
      caches: [{ upstream: TEST_UPSTREAM, remoteURL, volume: { size: '1Gi' }, garbageCollection: { ttl: '24h' } }],
    },
  };
}

/** Creates a shoot whose registry-cache extension mirrors TEST_UPSTREAM to the started upstream. */
export const createShootWithRegistryCache = (manifest: KubeObject): Step => ({
  title: `create shoot ${manifest.metadata.name} with the registry-cache extension for ${TEST_UPSTREAM}`,
  run: async (ctx) => {
    const upstream = peers(ctx);
    if (!upstream) throw new SeedbedError('STEP_FAILED', 'start the upstream registry first');
    const spec = manifest.spec as Record<string, unknown>;
    await ctx.landscape.createShoot({ ...manifest, spec: { ...spec, extensions: [registryCacheExtension(upstream.upstreamUrl)] } });
  },
});

function shootDir(ctx: StepContext, name: string): { dir: string; endpoints: CacheEndpoint[] } {
  const shoot = ctx.watcher.get(PROJECT_NAMESPACE, name);
  if (!shoot) throw new SeedbedError('STEP_FAILED', `shoot ${name} does not exist`);
  const dir = new ShootRuntimeStore(`${ctx.landscape.directory}/gardenlet`).dir(shootTechnicalId(shoot));
  const endpoints = ((shoot.status as { registryCache?: { caches?: CacheEndpoint[] } } | undefined)?.registryCache?.caches ?? []);
  return { dir, endpoints };
}

async function upstreamBytes(metricsUrl: string): Promise<number> {
  const text = await (await fetch(metricsUrl)).text();
  return text
    .split('\n')
    .filter((l) => l.startsWith('registry_cache_bytes_served_total') && l.includes('source="upstream"'))
    .reduce((sum, l) => sum + Number(l.split(' ').pop()), 0);
}

/** Pulls IMAGE with containerd configured with the first node's hosts.toml; twice, the second must cost no upstream bytes. */
export const pullTwiceThroughCache = (name: string): Step => ({
  title: `containerd on a node of shoot ${name} pulls ${IMAGE} through the cache; the second pull reads nothing from upstream`,
  run: async (ctx) => {
    const { dir, endpoints } = shootDir(ctx, name);
    if (!peers(ctx)) throw new SeedbedError('STEP_FAILED', 'no upstream registry was started');
    const endpoint = endpoints.find((e) => e.upstream === TEST_UPSTREAM);
    if (!endpoint) throw new SeedbedError('EXPECTATION_FAILED', `shoot ${name} reports no cache for ${TEST_UPSTREAM}: ${summarize(ctx.watcher.get(PROJECT_NAMESPACE, name))}`);
    const node = readdirFirst(join(dir, 'nodes'));
    const hostsDir = join(dir, 'nodes', node, 'certs.d');
    const nodeHosts = join(dir, 'nodes', node, 'hosts');
    const work = mkdtempSync(join(tmpdir(), 'seedbed-node-'));
    const hostsFile = join(work, 'hosts');
    writeFileSync(hostsFile, `${existsSync(nodeHosts) ? readFileSync(nodeHosts, 'utf8') : '127.0.0.1 localhost\n::1 localhost\n'}${UNREACHABLE} ${TEST_UPSTREAM}\n`);
    const containerd = await startContainerd();
    try {
      // the cache's metrics, reached by address (the endpoint's host name exists only in the node's /etc/hosts)
      const url = new URL(endpoint.endpoint);
      const metricsUrl = `http://${/^[\d.]+$/.test(url.hostname) ? url.hostname : '[::1]'}:${url.port}/metrics`;
      const before = await upstreamBytes(metricsUrl);
      await containerd.ctr(['--namespace', 'first', 'content', 'fetch', '--hosts-dir', hostsDir, IMAGE], { hostsFile });
      const afterFirst = await upstreamBytes(metricsUrl);
      const content = await containerd.ctr(['--namespace', 'first', 'content', 'ls', '--quiet']);
      const missing = peers(ctx)!.layers.filter((d) => !content.includes(d));
      if (missing.length) throw new SeedbedError('EXPECTATION_FAILED', `containerd lacks layers ${missing.join(', ')}`);
      await containerd.ctr(['--namespace', 'second', 'content', 'fetch', '--hosts-dir', hostsDir, IMAGE], { hostsFile });
      const afterSecond = await upstreamBytes(metricsUrl);
      ctx.facts[`${name}.upstreamBytes.firstPull`] = afterFirst - before;
      ctx.facts[`${name}.upstreamBytes.secondPull`] = afterSecond - afterFirst;
      if (afterFirst - before <= 0) throw new SeedbedError('EXPECTATION_FAILED', 'the first pull read no bytes from upstream: it did not go through this cache');
      if (afterSecond !== afterFirst) throw new SeedbedError('EXPECTATION_FAILED', `the second pull read ${afterSecond - afterFirst} bytes from upstream`);
    } finally {
      await containerd.stop();
      rmSync(work, { recursive: true, force: true });
    }
  },
});

function readdirFirst(dir: string): string {
  const entries = existsSync(dir) ? readdirSync(dir) : [];
  if (!entries[0]) throw new SeedbedError('EXPECTATION_FAILED', `no node configuration in ${dir}`);
  return entries.sort()[0]!;
}

export const removeRegistryCacheExtension = (name: string): Step => ({
  title: `remove the registry-cache extension from shoot ${name}`,
  run: async ({ landscape }) => {
    await landscape.raw.patch(shootPath(PROJECT_NAMESPACE, name), { spec: { extensions: [] } });
  },
});

export const expectNoMirrors = (name: string, timeoutMs = 60_000): Step => ({
  title: `shoot ${name} has no mirrors, node configuration or cache left`,
  run: async (ctx) => {
    await ctx.watcher.waitFor(PROJECT_NAMESPACE, name, 'to drop the registry cache', timeoutMs, (s) =>
      s?.status?.lastOperation?.state === 'Succeeded' && s.status.observedGeneration === s.metadata.generation && !(s.status as { registryCache?: unknown }).registryCache,
    summarize);
    const { dir } = shootDir(ctx, name);
    for (const path of ['nodes', 'registry-cache']) if (existsSync(join(dir, path))) throw new SeedbedError('EXPECTATION_FAILED', `${join(dir, path)} still exists`);
  },
});
