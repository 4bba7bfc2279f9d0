/** Upstream authentication against a loopback registry that demands it: Bearer tokens, Basic, redirects. */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeClock } from '@seedbed/core';
import { startCache, type CacheUnderTest } from '../testing/cache-under-test.ts';
import { BlobStorageServer, FaultUpstream } from '../testing/fault-upstream.ts';
import { request } from '../testing/http-client.ts';

const PASSWORD = 'hunter2-secret';
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setup(configure: (upstream: FaultUpstream) => void, upstreamExtra: Record<string, unknown> = {}, clock?: FakeClock) {
  const upstream = await new FaultUpstream().start();
  cleanups.push(() => upstream.stop());
  configure(upstream);
  const cache: CacheUnderTest = await startCache({ upstreams: [{ name: 'registry.test', url: upstream.url, ...upstreamExtra }] }, { clock });
  cleanups.push(() => cache.stop());
  return { upstream, cache };
}

function expectNoSecrets(cache: CacheUnderTest, headers: Record<string, unknown>) {
  expect(JSON.stringify(headers)).not.toMatch(/hunter2|token-\d|www-authenticate|Bearer|Basic/i);
  expect(cache.logs.join('')).not.toMatch(/hunter2|token-\d|X-Signature/);
}

describe('upstream authentication', () => {
  it('follows the Bearer flow with a per-repository scope, caches tokens until expiry and refreshes on 401', async () => {
    const clock = new FakeClock();
    const { upstream, cache } = await setup((u) => (u.auth = { kind: 'bearer', username: 'robot', password: PASSWORD, lifetimeSeconds: 300 }), { username: 'robot', password: PASSWORD }, clock);
    const a = upstream.addImage('team/a', 'v1', [randomBytes(1000)]);
    const b = upstream.addImage('team/b', 'v1', [randomBytes(1000)]);
    const manifest = await request(`${cache.url}/v2/team/a/manifests/v1?ns=registry.test`);
    expect(manifest.status).toBe(200);
    expect(manifest.headers['docker-content-digest']).toBe(a.manifestDigest);
    const blob = await request(`${cache.url}/v2/team/a/blobs/${a.layerDigests[0]}?ns=registry.test`);
    expect(blob.status).toBe(200);
    expect(upstream.tokenRequests.map((t) => t.scope)).toEqual(['repository:team/a:pull']);
    expect(upstream.tokenRequests[0]?.authorization).toBe(`Basic ${Buffer.from(`robot:${PASSWORD}`).toString('base64')}`);
    // another repository gets its own scope
    expect((await request(`${cache.url}/v2/team/b/manifests/v1?ns=registry.test`)).status).toBe(200);
    expect(upstream.tokenRequests.map((t) => t.scope)).toEqual(['repository:team/a:pull', 'repository:team/b:pull']);
    // expired by the clock: a new token is fetched before the request
    await clock.advance(300_000);
    expect((await request(`${cache.url}/v2/team/b/blobs/${b.layerDigests[0]}?ns=registry.test`)).status).toBe(200);
    expect(upstream.tokenRequests).toHaveLength(3);
    // revoked upstream: the 401 makes the cache fetch a fresh token and retry
    upstream.revokeTokens();
    const config = await request(`${cache.url}/v2/team/b/blobs/${JSON.parse(b.body.toString()).config.digest}?ns=registry.test`);
    expect(config.status).toBe(200);
    expect(upstream.tokenRequests).toHaveLength(4);
    expectNoSecrets(cache, { ...manifest.headers, ...blob.headers, ...config.headers });
  });

  it('sends Basic credentials read from a secret file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rc-secret-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    writeFileSync(join(dir, 'password'), `${PASSWORD}\n`);
    const { upstream, cache } = await setup((u) => (u.auth = { kind: 'basic', username: 'robot', password: PASSWORD }), { username: 'robot', passwordFile: join(dir, 'password') });
    const image = upstream.addImage('team/a', 'v1', [randomBytes(100)]);
    const response = await request(`${cache.url}/v2/team/a/manifests/${image.manifestDigest}?ns=registry.test`);
    expect(response.status).toBe(200);
    expectNoSecrets(cache, response.headers);
  });

  it('turns a refused upstream login into 403 without leaking the challenge', async () => {
    const { upstream, cache } = await setup((u) => (u.auth = { kind: 'bearer', username: 'robot', password: 'other', lifetimeSeconds: 60 }), { username: 'robot', password: PASSWORD });
    upstream.addImage('team/a', 'v1', [randomBytes(100)]);
    const response = await request(`${cache.url}/v2/team/a/manifests/v1?ns=registry.test`);
    expect(response.status).toBe(403);
    expect(JSON.parse(response.body.toString()).errors[0].code).toBe('DENIED');
    expectNoSecrets(cache, response.headers);
  });

  it('follows 307 redirects to blob storage without forwarding Authorization', async () => {
    const storage = await new BlobStorageServer().start();
    cleanups.push(() => storage.stop());
    const { upstream, cache } = await setup((u) => (u.auth = { kind: 'bearer', lifetimeSeconds: 60 }));
    const data = randomBytes(50_000);
    const image = upstream.addImage('team/a', 'v1', [data]);
    const digest = image.layerDigests[0]!;
    storage.blobs.set(digest, data);
    upstream.blobFault = { kind: 'redirect', to: storage.url };
    const response = await request(`${cache.url}/v2/team/a/blobs/${digest}?ns=registry.test`);
    expect(response.status).toBe(200);
    expect(response.body.equals(data)).toBe(true);
    expect(storage.requests).toHaveLength(1);
    expect(storage.requests[0]?.authorization).toBeUndefined();
    // the registry itself did get the token
    expect(upstream.requests.some((r) => r.path.includes('/blobs/') && r.authorization?.startsWith('Bearer '))).toBe(true);
    expectNoSecrets(cache, response.headers);
  });
});
