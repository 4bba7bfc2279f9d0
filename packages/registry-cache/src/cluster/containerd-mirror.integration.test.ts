/**
 * containerd pulling through the cache with the generated hosts.toml: over
 * IPv4 (localhost), and on an IPv6-only listener reached by a host name
 * (containerd 1.6 ignores IPv6 literals in hosts.toml keys).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allocatePort } from '@seedbed/core';
import { METRIC_NAMES } from '../metrics/metrics.ts';
import { startCache, type CacheUnderTest } from '../testing/cache-under-test.ts';
import { startContainerd, type ContainerdDaemon } from '../testing/containerd-daemon.ts';
import { startDistribution, type DistributionRegistry } from '../testing/distribution-registry.ts';
import { buildOciImage, type BuiltImage } from '../testing/oci-layout.ts';
import { pushLayout } from '../testing/skopeo.ts';
import { hostsFileEntry, renderHostsToml } from './hosts-toml.ts';

let work: string;
let upstream: DistributionRegistry;
let containerd: ContainerdDaemon;
let image: BuiltImage;
let image6: BuiltImage;
const caches: CacheUnderTest[] = [];

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'rc-ctr-'));
  upstream = await startDistribution();
  image = buildOciImage(join(work, 'layout'), 'v1', [200_000, 3_000]);
  await pushLayout(image.dir, 'v1', `${upstream.host}/library/busybox:1`);
  // a second image, so the IPv6 fetch cannot reuse content containerd already has
  image6 = buildOciImage(join(work, 'layout6'), 'v1', [150_000]);
  await pushLayout(image6.dir, 'v1', `${upstream.host}/library/busybox:6`);
  containerd = await startContainerd();
});

afterAll(async () => {
  for (const cache of caches) await cache.stop();
  await containerd?.stop();
  await upstream?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

function writeHostsDir(name: string, mirror: string): string {
  const hostsDir = join(work, name);
  const file = renderHostsToml({ registry: 'docker.io', mirror });
  mkdirSync(join(hostsDir, 'docker.io'), { recursive: true });
  writeFileSync(join(hostsDir, file.path), file.content);
  return hostsDir;
}

async function expectFetched(cache: CacheUnderTest, namespace: string, fetched: BuiltImage): Promise<void> {
  const content = await containerd.ctr(['--namespace', namespace, 'content', 'ls', '--quiet']);
  for (const digest of [fetched.manifestDigest, fetched.configDigest, ...fetched.layers.map((l) => l.digest)]) expect(content).toContain(digest);
  expect(cache.server.metrics.get(METRIC_NAMES.misses, { kind: 'blob' })).toBe(fetched.layers.length + 1);
  expect(cache.server.metrics.get(METRIC_NAMES.misses, { kind: 'manifest' })).toBe(1);
}

describe('containerd through the cache', () => {
  it('fetches an image via hosts.toml pointing at localhost', async () => {
    const port = await allocatePort('127.0.0.1');
    const cache = await startCache({ listen: [`127.0.0.1:${port}`], upstreams: [{ name: 'docker.io', url: upstream.url }] });
    caches.push(cache);
    const hostsDir = writeHostsDir('hosts-v4', `http://localhost:${port}`);
    await containerd.ctr(['--namespace', 'v4', 'content', 'fetch', '--hosts-dir', hostsDir, 'docker.io/library/busybox:1']);
    await expectFetched(cache, 'v4', image);
  });

  it('fetches from an IPv6-only listener through a host name for ::1', async () => {
    const port = await allocatePort('::1');
    const cache = await startCache({ listen: [`[::1]:${port}`], upstreams: [{ name: 'docker.io', url: upstream.url }] });
    caches.push(cache);
    const hostsFile = join(work, 'etc-hosts');
    writeFileSync(hostsFile, `127.0.0.1 localhost\n${hostsFileEntry('registry-cache.test', '::1')}`);
    const hostsDir = writeHostsDir('hosts-v6', `http://registry-cache.test:${port}`);
    await containerd.ctr(['--namespace', 'v6', 'content', 'fetch', '--hosts-dir', hostsDir, 'docker.io/library/busybox:6'], { hostsFile });
    await expectFetched(cache, 'v6', image6);
  });
});
