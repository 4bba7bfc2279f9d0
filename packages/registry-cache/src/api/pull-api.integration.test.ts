/**
 * The pull API against a real upstream (Debian's docker-registry holding an
 * image pushed by skopeo) and a real client (skopeo inspect/copy through the cache).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCache, type CacheUnderTest } from '../testing/cache-under-test.ts';
import { startDistribution, type DistributionRegistry } from '../testing/distribution-registry.ts';
import { request } from '../testing/http-client.ts';
import { buildOciImage, sha256, type BuiltImage } from '../testing/oci-layout.ts';
import { copyToLayout, inspect, pushLayout } from '../testing/skopeo.ts';

let work: string;
let upstream: DistributionRegistry;
let cache: CacheUnderTest;
let image: BuiltImage;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'rc-pull-'));
  upstream = await startDistribution();
  image = buildOciImage(join(work, 'layout'), 'v1', [300_000, 5_000]);
  await pushLayout(image.dir, 'v1', `${upstream.host}/team/app:v1`);
  await pushLayout(image.dir, 'v1', `${upstream.host}/library/alpine:3`);
  // docker.io is this local registry; requests without ?ns= to 127.0.0.1 go to it
  cache = await startCache({ upstreams: [{ name: 'docker.io', url: upstream.url }, { name: 'registry.test', url: upstream.url }], routes: { '127.0.0.1': 'docker.io' } });
});

afterAll(async () => {
  await cache?.stop();
  await upstream?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

const api = (path: string, ns = 'registry.test') => `${cache.url}/v2/${path}${ns ? `?ns=${ns}` : ''}`;

describe('pull API', () => {
  it('answers readiness and the API base', async () => {
    expect((await request(`${cache.url}/`)).status).toBe(200);
    const base = await request(`${cache.url}/v2/`);
    expect(base.status).toBe(200);
    expect(base.headers['docker-distribution-api-version']).toBe('registry/2.0');
  });

  it('serves manifests by tag and digest with digest, type and length headers', async () => {
    for (const ref of ['v1', image.manifestDigest]) {
      const head = await request(api(`team/app/manifests/${ref}`), { method: 'HEAD' });
      const get = await request(api(`team/app/manifests/${ref}`));
      for (const r of [head, get]) {
        expect(r.status).toBe(200);
        expect(r.headers['docker-content-digest']).toBe(image.manifestDigest);
        expect(r.headers['content-type']).toBe('application/vnd.oci.image.manifest.v1+json');
        expect(r.headers['content-length']).toBe(String(image.manifest.length));
      }
      expect(get.body.equals(image.manifest)).toBe(true);
    }
  });

  it('serves blobs with HEAD and GET', async () => {
    const layer = image.layers[0]!;
    const head = await request(api(`team/app/blobs/${layer.digest}`), { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers['content-length']).toBe(String(layer.data.length));
    const get = await request(api(`team/app/blobs/${layer.digest}`));
    expect(get.headers['docker-content-digest']).toBe(layer.digest);
    expect(get.headers['content-type']).toBe('application/octet-stream');
    expect(sha256(get.body)).toBe(layer.digest);
  });

  it('lists tags', async () => {
    const tags = await request(api('team/app/tags/list'));
    expect(JSON.parse(tags.body.toString())).toEqual({ name: 'team/app', tags: ['v1'] });
  });

  it('refuses writes with 405 and OCI error JSON', async () => {
    for (const [method, path] of [['PUT', 'team/app/manifests/v2'], ['POST', 'team/app/blobs/uploads/'], ['DELETE', `team/app/blobs/${image.layers[0]!.digest}`], ['PATCH', 'team/app/blobs/uploads/x']] as const) {
      const response = await request(api(path), { method });
      expect(response.status, `${method} ${path}`).toBe(405);
      expect(JSON.parse(response.body.toString()).errors[0].code).toBe('UNSUPPORTED');
    }
  });

  it('answers unknown upstreams, bad names and unknown content with clear 4xx errors', async () => {
    const unknown = await request(api('team/app/manifests/v1', 'quay.io'));
    expect(unknown.status).toBe(404);
    expect(JSON.parse(unknown.body.toString()).errors[0]).toMatchObject({ code: 'NAME_UNKNOWN', message: expect.stringContaining('no upstream is configured for registry "quay.io"') });
    expect((await request(`${cache.url}/v2/..%2f..%2fetc/manifests/v1?ns=registry.test`)).status).toBe(400);
    expect((await request(api('team/app/blobs/sha256:1234'))).status).toBe(400);
    expect(JSON.parse((await request(api('team/app/manifests/nope'))).body.toString()).errors[0].code).toBe('MANIFEST_UNKNOWN');
    expect((await request(api(`team/app/blobs/sha256:${'0'.repeat(64)}`))).status).toBe(404);
  });

  it('routes by host and normalises Docker Hub names (alpine → library/alpine)', async () => {
    const raw = await request(`${cache.url}/v2/alpine/manifests/3`);
    expect(raw.status).toBe(200);
    expect(raw.headers['docker-content-digest']).toBe(image.manifestDigest);
    const viaNs = await request(`${cache.url}/v2/library/alpine/manifests/3?ns=registry-1.docker.io`);
    expect(viaNs.headers['docker-content-digest']).toBe(image.manifestDigest);
  });

  it('works for skopeo inspect and copy through the cache', async () => {
    const cacheHost = cache.url.replace('http://', '');
    const inspected = JSON.parse(await inspect(`${cacheHost}/alpine:3`)) as { Digest: string; Layers: string[] };
    expect(inspected.Digest).toBe(image.manifestDigest);
    const out = join(work, 'copied');
    await copyToLayout(`${cacheHost}/alpine:3`, out, 'copied');
    for (const layer of image.layers) expect(sha256(readFileSync(join(out, 'blobs', 'sha256', layer.digest.slice(7))))).toBe(layer.digest);
    expect(cache.server.store.has(image.layers[0]!.digest)).toBe(true);
  });
});
