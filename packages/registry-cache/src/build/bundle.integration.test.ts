/**
 * The production build: one self-contained ES module that runs under plain
 * `node` (no tsx, no TypeScript), serves pulls, and stops on SIGTERM.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allocatePort, killGroup, ManagedProcess, runCommand, Wait } from '@seedbed/core';
import { FaultUpstream } from '../testing/fault-upstream.ts';
import { request } from '../testing/http-client.ts';
import { bundleRegistryCache } from './bundle.ts';

let work: string;
let bundle: string;
let upstream: FaultUpstream;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'rc-bundle-'));
  bundle = await bundleRegistryCache(join(work, 'dist', 'registry-cache.mjs'));
  upstream = await new FaultUpstream().start();
});

afterAll(async () => {
  await upstream?.stop();
  rmSync(work, { recursive: true, force: true });
});

describe('dist/registry-cache.mjs', () => {
  it('has no imports but Node built-ins', () => {
    const imports = [...readFileSync(bundle, 'utf8').matchAll(/^import .* from ['"]([^'"]+)['"]/gm)].map((m) => m[1]);
    expect(imports.length).toBeGreaterThan(0);
    expect(imports.filter((name) => !name!.startsWith('node:'))).toEqual([]);
  });

  it('prints help under plain node', async () => {
    const help = await runCommand(process.execPath, [bundle, 'registry-cache', 'serve', '--help']);
    expect(help.stdout).toContain('--upstream');
  });

  it('serves a blob under plain node and stops on SIGTERM', async () => {
    const port = await allocatePort('127.0.0.1');
    const child = new ManagedProcess({
      name: 'registry-cache-bundle',
      command: process.execPath,
      args: [bundle, 'registry-cache', 'serve', '--listen', `127.0.0.1:${port}`, '--storage', join(work, 'storage'), '--upstream', `registry.test=${upstream.url}`],
      logFile: join(work, 'cache.log'),
      cwd: work,
      env: { ...process.env, SEEDBED_REGISTRY_CACHE_MIN_FREE: '0' },
    }).start();
    try {
      await new Wait({ what: 'bundled registry-cache GET /', timeoutMs: 30_000, intervalMs: 100, component: { name: 'registry-cache', logTail: () => child.logTail() } }).until(async () => {
        if (child.exit) throw new Error('exited');
        return (await fetch(`http://127.0.0.1:${port}/`)).status === 200;
      });
      const data = randomBytes(3 * 1024 * 1024 + 5);
      const digest = upstream.addBlob(data);
      const url = `http://127.0.0.1:${port}/v2/team/app/blobs/${digest}?ns=registry.test`;
      const [cold, coalesced] = await Promise.all([request(url), request(url)]);
      expect(cold.body.equals(data)).toBe(true);
      expect(coalesced.body.equals(data)).toBe(true);
      const warm = await request(url, { headers: { range: 'bytes=100-' } });
      expect(warm.status).toBe(206);
      expect(warm.body.equals(data.subarray(100))).toBe(true);
      killGroup(child.pid!, 'SIGTERM');
      expect((await child.waitForExit()).code).toBe(0);
    } finally {
      await child.stop(2_000);
    }
  });
});
