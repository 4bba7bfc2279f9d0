/**
 * A long-running child process (a control-plane component): its own process
 * group so teardown kills the whole tree, output appended to a log file, and
 * the tail of that log available for error messages.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { openSync, closeSync, readFileSync, existsSync } from 'node:fs';
import { lastLines } from '../errors.ts';

export const DEFAULT_STOP_GRACE_MS = 5_000;

export interface ProcessSpec {
  /** Component name, used in messages. */
  name: string;
  command: string;
  args: readonly string[];
  logFile: string;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
}

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export class ManagedProcess {
  readonly spec: ProcessSpec;
  private child?: ChildProcess;
  private exitInfo?: ExitInfo;
  private exited?: Promise<ExitInfo>;

  constructor(spec: ProcessSpec) {
    this.spec = spec;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Set once the process has exited. */
  get exit(): ExitInfo | undefined {
    return this.exitInfo;
  }

  start(): this {
    const fd = openSync(this.spec.logFile, 'a');
    try {
      this.child = spawn(this.spec.command, this.spec.args, {
        cwd: this.spec.cwd,
        env: this.spec.env ?? process.env,
        stdio: ['ignore', fd, fd],
        detached: true,
      });
    } finally {
      closeSync(fd);
    }
    this.exited = new Promise((resolve) => {
      this.child!.on('error', () => {
        this.exitInfo ??= { code: null, signal: null };
        resolve(this.exitInfo);
      });
      this.child!.on('exit', (code, signal) => {
        this.exitInfo = { code, signal };
        resolve(this.exitInfo);
      });
    });
    // a supervisor should not keep the event loop alive on its own
    this.child.unref();
    return this;
  }

  /** Resolves when the process exits. */
  waitForExit(): Promise<ExitInfo> {
    if (!this.exited) throw new Error(`${this.spec.name} was never started`);
    return this.exited;
  }

  /** SIGTERM to the process group, SIGKILL after the grace period. */
  async stop(graceMs = DEFAULT_STOP_GRACE_MS): Promise<void> {
    const pid = this.child?.pid;
    if (!pid || this.exitInfo) return;
    killGroup(pid, 'SIGTERM');
    const timer = setTimeout(() => killGroup(pid, 'SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
    // children that ignored SIGTERM and outlived the leader
    killGroup(pid, 'SIGKILL');
  }

  logTail(lines = 20): string[] {
    if (!existsSync(this.spec.logFile)) return [];
    return lastLines(readFileSync(this.spec.logFile, 'utf8'), lines).split('\n');
  }
}

export function killGroup(pid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    try {
      process.kill(pid, signal);
      return true;
    } catch {
      return false;
    }
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Reads a process's start time (clock ticks since boot) from /proc, or undefined where /proc is missing or the pid is gone; with the pid it names a process that a recycled pid cannot impersonate. */
export function processStartTicks(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[19]);
  } catch {
    return undefined;
  }
}
