/**
 * kind's docker network ("kind", shared by every kind cluster on an engine;
 * kind never removes it). Where it does not exist, seedbed creates it as kind
 * would (bridge, IP masquerade, the default bridge's MTU, IPv6) but with the
 * node networks of the cluster config (default kind's own ranges,
 * 172.18.0.0/16 and fc00:f853:ccd:e793::/64), so node addresses are the same
 * on every run instead of whatever docker's address pool hands out next.
 * seedbed records that it created it, and removes it at the `down` that leaves
 * it without containers, so a host seedbed used is left as found; a network
 * that was there before seedbed is never removed.
 */
import { existsSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CommandError, createLogger } from '@seedbed/core';
import { runDocker, type Engine } from '@seedbed/engine';
import { DEFAULT_NODE_NETWORK_IPV4, DEFAULT_NODE_NETWORK_IPV6, type ClusterConfig } from '../../config/kind-config.ts';

const log = createLogger('cluster:kind-network');

/** kind's network name, unless KIND_EXPERIMENTAL_DOCKER_NETWORK names another. */
export function kindNetworkName(env: NodeJS.ProcessEnv = process.env): string {
  return env.KIND_EXPERIMENTAL_DOCKER_NETWORK || 'kind';
}

export async function networkExists(engine: Engine, name: string): Promise<boolean> {
  try {
    await runDocker(engine, ['network', 'inspect', '--format', '{{.Id}}', name]);
    return true;
  } catch (error) {
    // "No such network" is the answer asked for; anything else (engine down) is a real failure
    if (error instanceof CommandError && /no such network|not found/i.test(error.stderr)) return false;
    throw error;
  }
}

export class KindNetwork {
  private readonly marker: string;

  constructor(
    private readonly engine: Engine,
    root: string,
    readonly name = kindNetworkName(),
  ) {
    this.marker = join(root, `network-${name}.created-by-seedbed`);
  }

  /** Before `kind create`: creates the network with the config's node networks where it is missing, and remembers that. */
  async beforeCreate(config: ClusterConfig): Promise<void> {
    if (await networkExists(this.engine, this.name)) return;
    await writeFile(this.marker, `${new Date().toISOString()}\n`);
    const v4 = config.nodeNetworks?.ipv4?.text ?? DEFAULT_NODE_NETWORK_IPV4;
    const v6 = config.nodeNetworks?.ipv6?.text ?? DEFAULT_NODE_NETWORK_IPV6;
    const mtu = (await runDocker(this.engine, ['network', 'inspect', 'bridge', '--format', '{{ index .Options "com.docker.network.driver.mtu" }}']).catch(() => ({ stdout: '' }))).stdout.trim();
    const args = ['network', 'create', '-d=bridge', '-o', 'com.docker.network.bridge.enable_ip_masquerade=true', ...(/^\d+$/.test(mtu) ? ['-o', `com.docker.network.driver.mtu=${mtu}`] : [])];
    try {
      await runDocker(this.engine, [...args, '--ipv6', '--subnet', v4, '--subnet', v6, this.name]);
    } catch (error) {
      // a range taken by another network: kind creates it itself with docker's next free range, as it always does
      if (!(error instanceof CommandError && /overlap|pool/i.test(error.stderr))) throw error;
      log.debug('network %s with %s, %s not created (%s); kind picks the ranges', this.name, v4, v6, error.stderr.trim());
    }
  }

  /** After a cluster is gone: removes the network if seedbed created it and no container uses it; says what it did. */
  async afterDelete(): Promise<string | undefined> {
    if (!existsSync(this.marker)) return undefined;
    if (!(await networkExists(this.engine, this.name))) {
      await rm(this.marker, { force: true });
      return undefined;
    }
    const { stdout } = await runDocker(this.engine, ['network', 'inspect', '--format', '{{len .Containers}}', this.name]);
    if (Number(stdout.trim()) > 0) return undefined;
    await runDocker(this.engine, ['network', 'rm', this.name]);
    await rm(this.marker, { force: true });
    return `removed docker network ${this.name} (seedbed created it)`;
  }
}
