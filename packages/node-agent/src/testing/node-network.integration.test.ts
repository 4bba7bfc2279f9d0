/**
 * Integration (root, iproute2): the node-network test helper creates a
 * namespace with a veth link and both address families, removes all of it
 * through the CleanupStack, and sweeps namespaces of test processes that
 * died before their cleanup ran — and only those.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { CleanupStack, runCommand } from '@seedbed/core';
import { createNodeNetwork, nodeNetworkLeftovers, sweepStaleNodeNetworks } from './node-network.ts';

const namespaces = async () => (await runCommand('ip', ['netns', 'list'])).stdout.split('\n').map((l) => l.split(' ')[0]);

describe('node networks', () => {
  it('exist with both families on a veth link, and are gone after cleanup', async () => {
    const cleanup = new CleanupStack();
    const network = await createNodeNetwork(cleanup, 5);
    try {
      const inside = (await runCommand('ip', ['netns', 'exec', network.netns, 'ip', '-o', 'addr'])).stdout;
      expect(inside).toContain(`${network.nodeIPv4}/30`);
      expect(inside).toContain(`${network.nodeIPv6}/64`);
      const routes = (await runCommand('ip', ['netns', 'exec', network.netns, 'ip', 'route'])).stdout;
      expect(routes).not.toMatch(/default/); // nothing in it can leave the machine
      expect((await runCommand('ip', ['-o', 'addr', 'show', network.hostLink])).stdout).toContain(`${network.hostIPv4}/30`);
    } finally {
      expect(await cleanup.run()).toEqual([]);
    }
    expect(await nodeNetworkLeftovers(network)).toEqual([]);
  });

  it('sweeps the namespaces of dead test processes, not those of live ones', async () => {
    const dead = spawnSync('true').pid!;
    const stale = `seedbed-${dead}-0`;
    const live = `seedbed-${process.pid}-9`;
    const cleanup = new CleanupStack();
    for (const name of [stale, live]) {
      await runCommand('ip', ['netns', 'add', name]);
      cleanup.add(`delete ${name}`, () => runCommand('ip', ['netns', 'del', name]).then(() => {}, () => {}));
    }
    try {
      expect(await sweepStaleNodeNetworks()).toContain(stale);
      const left = await namespaces();
      expect(left).not.toContain(stale);
      expect(left).toContain(live);
    } finally {
      await cleanup.run();
    }
    expect(await namespaces()).not.toContain(live);
  });
});
