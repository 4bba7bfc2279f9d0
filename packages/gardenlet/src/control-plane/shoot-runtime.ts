/**
 * Where a shoot's control plane runs on this machine: a runtime directory
 * (<gardenlet state>/shoots/<technicalID>) with its logs, certificate files,
 * etcd data and components.json — the processes started, so a restarted
 * gardenlet adopts them instead of starting them again.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { componentAlive, type ComponentRecord, type Ports } from '@seedbed/cluster';
import { SeedbedError, stopRecordedProcess } from '@seedbed/core';


export interface RuntimeRecord {
  technicalId: string;
  server?: string;
  adminKubeconfig?: string;
  components: ComponentRecord[];
  /** The ports of the control plane, so an interrupted bring-up can resume with them. */
  ports?: Ports;
}

export class ShootRuntimeStore {
  readonly root: string;
  private writes = new Map<string, Promise<void>>();

  constructor(stateDir: string) {
    this.root = join(stateDir, 'shoots');
  }

  dir(technicalId: string): string {
    return join(this.root, technicalId);
  }

  /** The technical IDs of every shoot with a runtime directory here. */
  ids(): string[] {
    try {
      return readdirSync(this.root, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name);
    } catch (error) {
      // no shoot ever ran here
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
  }

  async prepare(technicalId: string): Promise<string> {
    const dir = this.dir(technicalId);
    await mkdir(join(dir, 'logs'), { recursive: true });
    return dir;
  }

  read(technicalId: string): RuntimeRecord | undefined {
    try {
      return JSON.parse(readFileSync(join(this.dir(technicalId), 'components.json'), 'utf8')) as RuntimeRecord;
    } catch {
      return undefined;
    }
  }

  write(record: RuntimeRecord): Promise<void> {
    const file = join(this.dir(record.technicalId), 'components.json');
    const content = JSON.stringify(record, null, 2);
    const next = (this.writes.get(record.technicalId) ?? Promise.resolve()).then(async () => {
      await writeFile(`${file}.tmp`, content);
      await rename(`${file}.tmp`, file);
    });
    // the chain only orders writes; each write's failure goes to its own caller
    this.writes.set(record.technicalId, next.catch(() => {}));
    return next;
  }

  /** Whether every recorded component is still the process that was started. */
  allAlive(record: RuntimeRecord | undefined): record is RuntimeRecord & { server: string; adminKubeconfig: string } {
    return !!record?.server && !!record.adminKubeconfig && record.components.length > 0 && record.components.every(componentAlive);
  }

  /** Stops the recorded processes (all, or those `which` selects): SIGTERM, SIGKILL after the grace period; fails naming any that survived. */
  async stop(technicalId: string, which: (c: ComponentRecord) => boolean = () => true): Promise<void> {
    const record = this.read(technicalId);
    const outcomes = await Promise.all(
      (record?.components ?? []).filter(which).map(async (c) => ({ c, outcome: await stopRecordedProcess(c.pid, () => componentAlive(c)) })),
    );
    const survivors = outcomes.filter((o) => o.outcome === 'survived').map(({ c }) => `${c.name} (pid ${c.pid})`);
    if (survivors.length) {
      throw new SeedbedError('STOP_FAILED', `${technicalId}: ${survivors.join(', ')} still running after SIGKILL`, { hint: 'a process stuck in the kernel (state D) ends only when its I/O does; kill -9 it by hand' });
    }
  }

  async remove(technicalId: string): Promise<void> {
    // retries: a process that just exited may still have had files open
    await rm(this.dir(technicalId), { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
  }
}
