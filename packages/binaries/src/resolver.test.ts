import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { TOOL_MODULES, moduleVersion } from './catalog.ts';
import { BinaryNotFoundError, resolveBinaries, toolCacheDir } from './resolver.ts';

const dirs: string[] = [];
const temp = () => {
  const d = mkdtempSync(join(tmpdir(), 'seedbed-bin-test-'));
  dirs.push(d);
  return d;
};
const fakeBinary = (dir: string, name: string) => {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, name), '#!/bin/sh\n');
  chmodSync(join(dir, name), 0o755);
};
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('resolveBinaries', () => {
  it('reads pinned versions from the wrapper go.mod files', () => {
    const versions = Object.fromEntries(TOOL_MODULES.map((t) => [t.dir, moduleVersion(t)]));
    expect(versions.kubernetes).toMatch(/^v1\.36\.\d+$/);
    expect(versions.etcd).toMatch(/^v3\.6\.\d+$/);
    expect(versions.kwok).toMatch(/^v0\.8\.\d+$/);
    expect(versions.kind).toMatch(/^v0\.\d+\.\d+$/);
  });

  it('prefers the explicit directory and reports every binary missing there', async () => {
    const dir = temp();
    fakeBinary(dir, 'etcd');
    const env = { SEEDBED_BIN_DIR: dir, HOME: temp() };
    const ok = await resolveBinaries({ names: ['etcd'], env });
    expect(ok.source).toBe('explicit directory');
    expect(ok.path('etcd')).toBe(join(dir, 'etcd'));
    const error = await resolveBinaries({ names: ['etcd', 'kwok', 'kind'], env }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BinaryNotFoundError);
    expect((error as BinaryNotFoundError).missing).toEqual(['kwok', 'kind']);
  });

  it('finds binaries in the per-user cache keyed by version and platform', async () => {
    const env = { SEEDBED_CACHE_DIR: temp() };
    const etcd = TOOL_MODULES.find((t) => t.dir === 'etcd')!;
    const dir = toolCacheDir(etcd, moduleVersion(etcd), env);
    expect(dir).toContain(`etcd-${moduleVersion(etcd)}-${process.platform}-${process.arch}`);
    fakeBinary(dir, 'etcd');
    const found = await resolveBinaries({ names: ['etcd'], env });
    expect(found.source).toBe('cache');
    expect(found.path('etcd')).toBe(join(dir, 'etcd'));
  });

  it('lists the three ways to provide binaries when it may not build', async () => {
    const env = { SEEDBED_CACHE_DIR: temp() };
    const error = (await resolveBinaries({ names: ['kwok'], env, build: false }).catch((e: unknown) => e)) as BinaryNotFoundError;
    expect(error).toBeInstanceOf(BinaryNotFoundError);
    expect(error.describe()).toMatch(/1\. set SEEDBED_BIN_DIR[\s\S]*2\. .*cache[\s\S]*3\. install Go/);
  });
});
