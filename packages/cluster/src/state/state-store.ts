/**
 * Where clusters live on disk: one state directory per cluster
 * ($SEEDBED_STATE_DIR, else $XDG_STATE_HOME/seedbed, else ~/.local/state/seedbed)
 * holding cluster.json (what was started: components, pids, ports), pki/,
 * logs/<component>.log, etcd data and the admin kubeconfig.
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isAlive, processStartTicks, stateRoot } from '@seedbed/core';
import type { ClusterInfo } from '../providers/provider.ts';

export { STATE_DIR_ENV, stateRoot, processStartTicks } from '@seedbed/core';
export const STATE_FILE = 'cluster.json';

export interface ComponentRecord {
  name: string;
  pid: number;
  /** Process start time (clock ticks since boot) so a recycled pid is never killed. */
  startTicks?: number;
  logFile: string;
}

export interface ClusterRecord extends ClusterInfo {
  components: ComponentRecord[];
  /** The `seedbed` process that created the cluster. */
  ownerPid: number;
  createdAt: string;
}

/** Whether the process is a zombie (exited, not yet reaped): dead for our purposes. */
function isZombie(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) === 'Z';
  } catch {
    return false;
  }
}

/** Whether the recorded process is still the one seedbed started. */
export function componentAlive(component: ComponentRecord): boolean {
  if (!isAlive(component.pid) || isZombie(component.pid)) return false;
  if (component.startTicks === undefined) return true;
  return processStartTicks(component.pid) === component.startTicks;
}

export class StateStore {
  readonly root: string;

  constructor(root = stateRoot()) {
    this.root = join(root, 'clusters');
  }

  dir(name: string): string {
    return join(this.root, name);
  }

  exists(name: string): boolean {
    return existsSync(this.dir(name));
  }

  async create(name: string): Promise<string> {
    const dir = this.dir(name);
    await mkdir(join(dir, 'logs'), { recursive: true });
    await mkdir(join(dir, 'pki'), { recursive: true, mode: 0o700 });
    return dir;
  }

  read(name: string): ClusterRecord | undefined {
    try {
      return JSON.parse(readFileSync(join(this.dir(name), STATE_FILE), 'utf8')) as ClusterRecord;
    } catch {
      return undefined;
    }
  }

  private writes: Promise<void> = Promise.resolve();

  /** Writes atomically and in call order, so a crash never leaves a half-written record. */
  write(record: ClusterRecord): Promise<void> {
    const file = join(this.dir(record.name), STATE_FILE);
    const content = `${JSON.stringify(record, null, 2)}\n`;
    const next = this.writes.then(async () => {
      await writeFile(`${file}.tmp`, content);
      await rename(`${file}.tmp`, file);
    });
    // the chain only orders writes; each write's failure goes to its own caller
    this.writes = next.catch(() => {});
    return next;
  }

  async remove(name: string): Promise<void> {
    await rm(this.dir(name), { recursive: true, force: true });
  }

  async names(): Promise<string[]> {
    try {
      return (await readdir(this.root, { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => d.name).sort();
    } catch {
      return [];
    }
  }

  /**
   * A cluster is stale when its record is missing (a crash during bring-up)
   * or its creator died before finishing, or any component it started is gone.
   */
  isStale(name: string): boolean {
    const record = this.read(name);
    if (!record) return true;
    if (record.status === 'starting') return !isAlive(record.ownerPid);
    return record.components.some((c) => !componentAlive(c));
  }

}
