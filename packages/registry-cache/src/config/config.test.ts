import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ValidationError } from '@seedbed/core';
import { configFromFlags } from '../cli/registry-cache-command.ts';
import { DEFAULT_TAG_REVALIDATE_SECONDS, resolveConfig } from './config.ts';
import { parseSize } from './size.ts';

const dir = mkdtempSync(join(tmpdir(), 'rc-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('resolveConfig', () => {
  it('applies defaults and parses listen addresses of both families', () => {
    const config = resolveConfig([{ source: 'test', values: { storage: '/s', listen: ['127.0.0.1:5000', '[::1]:5001', ':5002'], upstreams: [{ name: 'docker.io', url: 'https://registry-1.docker.io/' }] } }]);
    expect(config.listen.map((l) => [l.host, l.port])).toEqual([['127.0.0.1', 5000], ['::1', 5001], ['::', 5002]]);
    expect(config.tagRevalidateSeconds).toBe(DEFAULT_TAG_REVALIDATE_SECONDS);
    expect(config.upstreams).toEqual([{ name: 'docker.io', url: 'https://registry-1.docker.io' }]);
  });

  it('reports every problem at once', () => {
    let error: unknown;
    try {
      resolveConfig([{ source: 'test', values: { listen: ['::1:5000', 'x'], upstreams: [{ name: 'Bad Name', url: 'ftp://u:p@x' }], bogus: 1, maxStorageBytes: 'lots' } }]);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ValidationError);
    const paths = (error as ValidationError).problems.map((p) => p.path);
    expect(paths).toEqual(expect.arrayContaining(['bogus', 'listen[0]', 'listen[1]', 'storage', 'upstreams.bad name', 'upstreams.bad name.url', 'maxStorageBytes']));
    expect((error as ValidationError).message).toContain('IPv6 addresses go in brackets');
    expect((error as ValidationError).message).toContain('must not contain credentials');
  });

  it('reads credentials from a secret file and redacts nothing into the URL', () => {
    const secret = join(dir, 'secret');
    writeFileSync(secret, 's3cret\n');
    const config = resolveConfig([{ source: 't', values: { storage: dir, upstreams: { 'ghcr.io': { url: 'https://ghcr.io', username: 'me', passwordFile: secret } } } }]);
    expect(config.upstreams[0]).toEqual({ name: 'ghcr.io', url: 'https://ghcr.io', username: 'me', password: 's3cret' });
  });

  it('parses sizes', () => {
    expect(parseSize('20GiB')).toBe(20 * 1024 ** 3);
    expect(parseSize('1.5k')).toBe(1500);
    expect(parseSize(12)).toBe(12);
    expect(parseSize('x')).toBeUndefined();
  });
});

describe('configFromFlags', () => {
  it('layers file < environment < flags', async () => {
    const file = join(dir, 'config.yaml');
    writeFileSync(file, 'storage: /from-file\ntagRevalidateSeconds: 5\nupstreams:\n  - name: ghcr.io\n    url: https://ghcr.io\nroutes:\n  ":5001": ghcr.io\n');
    const config = await configFromFlags(
      { config: file, upstream: ['docker.io=https://registry-1.docker.io'], listen: ['[::1]:5001'] },
      { SEEDBED_REGISTRY_CACHE_STORAGE: '/from-env', SEEDBED_REGISTRY_CACHE_TAG_REVALIDATE_SECONDS: '7' },
    );
    expect(config.storage).toBe('/from-env');
    expect(config.tagRevalidateSeconds).toBe(7);
    expect(config.upstreams.map((u) => u.name).sort()).toEqual(['docker.io', 'ghcr.io']);
    expect(config.routes).toEqual({ ':5001': 'ghcr.io' });
    expect(config.listen[0]?.host).toBe('::1');
  });

  it('names a bad --upstream pair', async () => {
    await expect(configFromFlags({ storage: dir, upstream: ['docker.io'] }, {})).rejects.toThrow(/"docker.io" is not NAME=URL/);
  });
});
