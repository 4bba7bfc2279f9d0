/**
 * kind's docker network ("kind", shared by every kind cluster on an engine;
 * kind creates it and never removes it). seedbed records when its own `up`
 * created it, and removes it at the `down` that leaves it without containers,
 * so a host seedbed used is left as found; a network that was there before
 * seedbed is never removed.
 */
import { existsSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CommandError } from '@seedbed/core';
import { runDocker, type Engine } from '@seedbed/engine';

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

  /** Before `kind create`: remember whether this create is the one that makes the network. */
  async beforeCreate(): Promise<void> {
    if (!(await networkExists(this.engine, this.name))) await writeFile(this.marker, `${new Date().toISOString()}\n`);
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
