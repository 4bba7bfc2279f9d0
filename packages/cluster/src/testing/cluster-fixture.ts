/**
 * Test helpers for integration tests: a LocalProvider with its own temp state
 * root, clusters named uniquely per test run, and checks that nothing a
 * cluster started is left behind after teardown.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeError, isPortInUse } from '@seedbed/core';
import { loadKindConfig, type ClusterConfig } from '../config/kind-config.ts';
import { shippedConfigPath, type ShippedConfig } from '../config/kind-configs.ts';
import { LocalProvider } from '../providers/local/local-provider.ts';
import { StateStore, componentAlive, type ClusterRecord } from '../state/state-store.ts';

export class LocalClusterFixture {
  readonly root = mkdtempSync(join(tmpdir(), 'seedbed-it-'));
  readonly store = new StateStore(this.root);
  readonly provider = new LocalProvider(this.store);
  private readonly prefix = `it${process.pid % 10_000}`;

  async config(name: ShippedConfig, suffix: string = name): Promise<ClusterConfig> {
    return loadKindConfig(shippedConfigPath(name), `${this.prefix}-${suffix}`);
  }

  record(name: string): ClusterRecord {
    const record = this.store.read(name);
    if (!record) throw new Error(`no state record for ${name}`);
    return record;
  }

  /** Names of leftovers after a teardown: live processes, bound ports, the state directory. */
  async leftovers(record: ClusterRecord, ports: Array<{ host: string; port: number }>): Promise<string[]> {
    const found: string[] = [];
    for (const c of record.components) if (componentAlive(c)) found.push(`process ${c.name} (pid ${c.pid})`);
    for (const p of ports) if (await isPortInUse(p.host, p.port)) found.push(`port ${p.host}:${p.port}`);
    if (this.store.exists(record.name)) found.push(`state dir ${this.store.dir(record.name)}`);
    return found;
  }

  /** Deletes every cluster (each one tried), then the state root; fails naming the clusters that could not be deleted. */
  async dispose(): Promise<void> {
    const failures: string[] = [];
    for (const name of await this.store.names()) {
      await this.provider.delete(name).catch((error: unknown) => failures.push(`${name}: ${describeError(error)}`));
    }
    rmSync(this.root, { recursive: true, force: true });
    if (failures.length) throw new Error(`test clusters not deleted:\n${failures.join('\n')}`);
  }
}
