/**
 * Integration (slow): bad input and broken runs give a clear error, a
 * non-zero outcome, and leave nothing running.
 */
import { mkdtempSync, rmSync, readFileSync, readdirSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BinaryNotFoundError } from '@seedbed/binaries';
import { SeedbedError, Wait } from '@seedbed/core';
import { parseKindConfig } from '../../config/kind-config.ts';
import { LocalClusterFixture } from '../../testing/cluster-fixture.ts';

const fixture = new LocalClusterFixture();
afterAll(() => fixture.dispose(), 60_000);

const ipv4 = (name: string, extra = '') =>
  parseKindConfig(`kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\nname: ${name}\n${extra}`, 'test');

/** Live processes whose command line mentions the fixture's state root (every component's does). */
function strayProcesses(): string[] {
  const found: string[] = [];
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      const state = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0];
      if (cmdline.includes(fixture.root) && state !== 'Z') found.push(`${pid}: ${cmdline.split('\0')[0]}`);
    } catch {
      // exited while we looked
    }
  }
  return found;
}

describe('local provider failures', () => {
  it('reports a component that exits with its last log lines, and leaves nothing behind', async () => {
    const config = ipv4('fail-gate', 'featureGates:\n  NoSuchGate: true\n');
    const error = await fixture.provider.create(config).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SeedbedError);
    const message = (error as Error).message;
    expect(message).toContain('task "start-kube-apiserver"');
    expect(message).toContain('kube-apiserver exited');
    expect(message).toContain('--- last log lines of kube-apiserver ---');
    expect(message).toMatch(/NoSuchGate/);
    expect(fixture.store.exists('fail-gate')).toBe(false);
    expect(strayProcesses()).toEqual([]);
  });

  it('refuses an apiServerPort that is in use before starting anything', async () => {
    const server: Server = createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    try {
      const error = await fixture.provider.create(ipv4('fail-port', `networking:\n  apiServerPort: ${port}\n`)).catch((e: unknown) => e);
      expect((error as Error).message).toContain(`networking.apiServerPort ${port} is already in use on 127.0.0.1`);
      expect(fixture.store.exists('fail-port')).toBe(false);
      expect(strayProcesses()).toEqual([]);
    } finally {
      server.close();
    }
  });

  it('lists every missing binary and the ways to provide them', async () => {
    const previous = process.env.SEEDBED_BIN_DIR;
    const emptyBinDir = mkdtempSync(join(tmpdir(), 'seedbed-empty-bin-'));
    process.env.SEEDBED_BIN_DIR = emptyBinDir;
    try {
      const error = await fixture.provider.create(ipv4('fail-bin')).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(BinaryNotFoundError);
      expect((error as BinaryNotFoundError).missing).toEqual(['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'kwok']);
      expect(fixture.store.exists('fail-bin')).toBe(false);
    } finally {
      if (previous === undefined) delete process.env.SEEDBED_BIN_DIR;
      else process.env.SEEDBED_BIN_DIR = previous;
      rmSync(emptyBinDir, { recursive: true, force: true });
    }
  });

  it('refuses a second up with the same name, keeps the first, and says how to proceed', async () => {
    const config = ipv4('twice');
    await fixture.provider.create(config);
    const error = (await fixture.provider.create(config).catch((e: unknown) => e)) as SeedbedError;
    expect(error.code).toBe('CLUSTER_EXISTS');
    expect(error.hint).toContain('seedbed cluster down --name twice');
    expect((await fixture.provider.info('twice')).status).toBe('running');
  });

  it('detects a cluster whose processes died and cleans it up on the next up', async () => {
    const record = fixture.record('twice');
    const apiserver = record.components.find((c) => c.name === 'kube-apiserver')!;
    process.kill(apiserver.pid, 'SIGKILL');
    await new Wait({ what: 'cluster twice to count as stale', timeoutMs: 5_000, intervalMs: 50 }).until(async () => (await fixture.provider.info('twice')).status === 'stale');
    const again = await fixture.provider.create(ipv4('twice'));
    expect(again.status).toBe('running');
    expect(fixture.record('twice').components.find((c) => c.name === 'kube-apiserver')!.pid).not.toBe(apiserver.pid);
    await fixture.provider.delete('twice');
    expect(strayProcesses()).toEqual([]);
  });

  it('says which clusters exist when asked to delete an unknown one', async () => {
    const error = (await fixture.provider.delete('nope').catch((e: unknown) => e)) as SeedbedError;
    expect(error.code).toBe('CLUSTER_NOT_FOUND');
    expect(error.message).toBe('no local cluster named "nope"');
  });
});
