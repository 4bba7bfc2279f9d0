/**
 * Integration (slow-ish): engine detection and the privileged-container probe
 * against real dockerds. The fault cases build the situation for real: an
 * environment with no engine and no dockerd, and a dockerd that runs stock
 * runc (as a user's own Docker would) on a host whose bounding set lacks
 * capabilities --privileged asks for.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SeedbedError } from '@seedbed/core';
import { hostCapabilities } from './capabilities/host-capabilities.ts';
import { enginePaths } from './dockerd/engine-paths.ts';
import { leaseEngine } from './dockerd/engine-lease.ts';
import { findDockerd, startOwnedDockerd, stopOwnedDockerd, ownedDockerdState } from './dockerd/owned-dockerd.ts';
import { detectEngine, ensureEngine } from './engine.ts';
import { canRunPrivileged } from './privileged/privileged-probe.ts';

const dirs: string[] = [];
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'engine-it-'));
  dirs.push(dir);
  return dir;
}
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

const caps = hostCapabilities();
const isRoot = process.getuid?.() === 0;
const stockRuncFails = caps.missing.length > 0;

describe('engine', () => {
  it('with no engine and no docker.io, says so and names docker.io', async () => {
    const root = await tempDir();
    const env = { ...process.env, DOCKER_HOST: `unix://${join(root, 'nothing.sock')}` };
    const error = await ensureEngine({ start: true, env, paths: enginePaths(join(root, 'engine')), dockerdCandidates: [join(root, 'no-dockerd')] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SeedbedError);
    expect((error as SeedbedError).code).toBe('NO_ENGINE');
    expect((error as SeedbedError).message).toMatch(/docker\.io is not installed/);
    expect((error as SeedbedError).message).toMatch(/testcontainers/);
    expect((error as SeedbedError).hint).toMatch(/apt-get install docker\.io/);
  });

  it.skipIf(!isRoot || !findDockerd() || !stockRuncFails)(
    `a Docker seedbed did not start that fails --privileged gets the cause and the fix, and is not reconfigured (needs root, docker.io, and a host bounding set lacking capabilities: ${caps.missing.join(', ') || 'none lacking'})`,
    { timeout: 120_000 },
    async () => {
      // a second dockerd next to any running one: no bridge, no iptables, stock runc (as if the bounding set were full)
      const paths = enginePaths(join(await tempDir(), 'engine'));
      await startOwnedDockerd({ paths, isolated: true, capabilities: { bounding: (1n << 41n) - 1n, lastCap: 40, missing: [] } });
      try {
        // this machine is itself a container: testcontainers would look for the host address on the (absent) bridge network
        const env = { ...process.env, DOCKER_HOST: `unix://${paths.socket}`, TESTCONTAINERS_HOST_OVERRIDE: 'localhost' };
        const { engine } = await detectEngine({ env });
        expect(engine?.owned).toBe(false);
        expect(engine?.capDrop).toBe(false);
        expect(engine?.capDropReason).toMatch(/never reconfigured/);
        const result = await canRunPrivileged(engine!);
        expect(result.ok).toBe(false);
        expect(result.detail).toMatch(/unable to apply caps: operation not permitted/);
        expect(result.hint).toContain(caps.missing[0]);
        expect(result.hint).toMatch(/never reconfigures a Docker it did not start/);
        expect(result.hint).toMatch(/--add-runtime seedbed-capdrop=PATH --default-runtime seedbed-capdrop/);
      } finally {
        await stopOwnedDockerd({ paths });
      }
      expect((await ownedDockerdState(paths)).state).toBe('stopped');
    },
  );

  it.skipIf(!isRoot || !findDockerd())('leases: the dockerd a lease started stops with the last lease; one started by `engine up` keeps running (needs root and docker.io)', { timeout: 120_000 }, async () => {
    const paths = enginePaths(join(await tempDir(), 'engine'));
    const options = { paths, isolated: true, env: { ...process.env, DOCKER_HOST: `unix://${join(paths.root, 'nothing.sock')}` } };
    const [first, second] = await Promise.all([leaseEngine(options), leaseEngine(options)]);
    expect(first.engine.owned && second.engine.owned).toBe(true);
    expect(first.engine.dockerHost).toBe(second.engine.dockerHost);
    const state = await ownedDockerdState(paths);
    expect(state.state === 'running' && state.record.startedBy).toBe('lease');
    expect(await first.release()).toEqual([]);
    expect((await ownedDockerdState(paths)).state).toBe('running');
    expect((await second.release()).join('\n')).toMatch(/dockerd \d+ stopped/);
    expect((await ownedDockerdState(paths)).state).toBe('stopped');

    await startOwnedDockerd({ paths, isolated: true });
    try {
      const lease = await leaseEngine(options);
      expect(await lease.release()).toEqual([]);
      expect((await ownedDockerdState(paths)).state).toBe('running');
    } finally {
      await stopOwnedDockerd({ paths });
    }
  });
});
