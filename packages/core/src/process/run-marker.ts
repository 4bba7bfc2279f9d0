/**
 * A marker for every process one run starts: the run puts
 * SEEDBED_RUN_ID=<id> into its own environment, every child inherits it, and
 * at the end the run finds (by /proc/<pid>/environ) and kills whatever still
 * carries it. This catches what the normal cleanup cannot: a test worker
 * killed on timeout takes its CleanupStack with it, but not its children.
 * Linux only (reads /proc); elsewhere it finds nothing.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import type { Clock } from '../clock.ts';
import { systemClock } from '../clock.ts';
import { isAlive } from './managed-process.ts';

export const RUN_ID_ENV = 'SEEDBED_RUN_ID';
export const REAP_GRACE_MS = 2_000;

/** Marks this process (and so every child it starts from now on) with a fresh run id; returns it. */
export function markRun(env: NodeJS.ProcessEnv = process.env): string {
  const id = randomUUID();
  env[RUN_ID_ENV] = id;
  return id;
}

export interface MarkedProcess {
  pid: number;
  command: string;
}

/** Live processes carrying the run id, except those `exclude` (e.g. the runner and its workers) rejects. */
export function findMarked(id: string, exclude: (p: MarkedProcess) => boolean = () => false): MarkedProcess[] {
  const needle = `${RUN_ID_ENV}=${id}`;
  const found: MarkedProcess[] = [];
  let pids: string[] = [];
  try {
    pids = readdirSync('/proc').filter((d) => /^\d+$/.test(d));
  } catch {
    return [];
  }
  for (const entry of pids) {
    const pid = Number(entry);
    if (pid === process.pid) continue;
    try {
      if (!readFileSync(`/proc/${pid}/environ`, 'latin1').split('\0').includes(needle)) continue;
      if (!running(pid)) continue;
      const p = { pid, command: readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ') };
      if (!exclude(p)) found.push(p);
    } catch {
      // exited meanwhile, or not ours to read
    }
  }
  return found;
}

/** Alive and not a zombie (a zombie has exited; only its parent's wait is missing). */
function running(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat[stat.lastIndexOf(')') + 2] !== 'Z';
  } catch {
    return isAlive(pid);
  }
}

/** Rounds of find-and-kill: a dying process may start another (a shell running its next command). */
export const REAP_ROUNDS = 3;

/**
 * SIGTERM to every marked process, SIGKILL to those alive after the grace
 * period; repeated while new marked processes appear (at most REAP_ROUNDS).
 * Returns every process found.
 */
export async function reapMarked(id: string, options: { exclude?: (p: MarkedProcess) => boolean; graceMs?: number; clock?: Clock } = {}): Promise<MarkedProcess[]> {
  const clock = options.clock ?? systemClock;
  const signal = (pid: number, sig: NodeJS.Signals) => {
    try {
      process.kill(pid, sig);
    } catch {
      // already gone
    }
  };
  const all: MarkedProcess[] = [];
  for (let round = 0; round < REAP_ROUNDS; round++) {
    const found = findMarked(id, options.exclude);
    if (!found.length) break;
    all.push(...found.filter((p) => !all.some((q) => q.pid === p.pid)));
    for (const p of found) signal(p.pid, 'SIGTERM');
    const deadline = clock.now() + (options.graceMs ?? REAP_GRACE_MS);
    while (found.some((p) => running(p.pid)) && clock.now() < deadline) await clock.sleep(50);
    for (const p of found) if (running(p.pid)) signal(p.pid, 'SIGKILL');
    await clock.sleep(50);
  }
  return all;
}
