/**
 * What a build from source shows. First a line that says why (first run on
 * this machine, what is built, where it is cached), then how much and roughly
 * how long once `go list -deps` counted the packages (a first run downloads
 * the pinned modules for that, so it is a step of its own); then per
 * binary its index out of the total, module@version, packages compiled out of
 * what `go list -deps` counted, and the elapsed time: on a terminal as one live
 * bar, elsewhere as one line per step with its duration and, while a long step
 * runs, a heartbeat line every HEARTBEAT_MS.
 */
import { homedir } from 'node:os';
import { formatDuration, systemClock, type Clock, type Progress } from '@seedbed/core';

export const HEARTBEAT_MS = 60_000;
export const REDRAW_MS = 250;
/**
 * Core-seconds go spends per package, from the first runs on the 2-core
 * machines (the Kubernetes binaries, about 2,600 packages, took 10–14 minutes).
 */
export const CORE_SECONDS_PER_PACKAGE = 0.5;

export interface BuildStep {
  /** 1-based position among the binaries built. */
  index: number;
  total: number;
  binary: string;
  module: string;
  version: string;
  /** Packages this step compiles at most: its `go list -deps` minus what earlier steps built. */
  packages: number;
}

export function stepLabel(step: BuildStep): string {
  return `[${step.index}/${step.total}] ${step.binary} (${step.module}@${step.version})`;
}

export function bar(done: number, total: number, width = 20): string {
  const filled = total <= 0 ? width : Math.min(width, Math.floor((width * done) / total));
  return `${'█'.repeat(filled)}${'░'.repeat(width - filled)}`;
}

function compiledOf(step: BuildStep, compiled: number): string {
  return `${Math.min(compiled, step.packages)}/${step.packages} packages`;
}

export function liveLine(step: BuildStep, compiled: number, elapsedMs: number): string {
  return `${stepLabel(step)} ${bar(compiled, step.packages)} ${compiledOf(step, compiled)}, ${formatDuration(elapsedMs)}`;
}

export function estimateMinutes(packages: number, cores: number): number {
  return Math.max(1, Math.round((packages * CORE_SECONDS_PER_PACKAGE) / Math.max(1, cores) / 60));
}

function tildePath(path: string, home: string): string {
  return home && path.startsWith(`${home}/`) ? `~${path.slice(home.length)}` : path;
}

export interface WhyLineInput {
  /** No binary of any version is cached yet. */
  firstRun: boolean;
  /** Per tool module: its module, version and the binaries built from it. */
  modules: ReadonlyArray<{ module: string; version: string; binaries: readonly string[] }>;
  binDir: string;
  home?: string;
}

/** The first line, before anything runs: "first run on this machine: building kube-apiserver, kubectl (k8s.io/kubernetes v1.36.3) from source with go; cached in ~/.cache/seedbed/bin" */
export function whyLine(input: WhyLineInput): string {
  const what = input.modules.map((m) => `${m.binaries.join(', ')} (${m.module} ${m.version})`).join('; ');
  const reason = input.firstRun ? 'first run on this machine' : 'not in the cache yet (a new pin or a new tool)';
  return `${reason}: building ${what} from source with go; cached in ${tildePath(input.binDir, input.home ?? homedir())}`;
}

/** The line once `go list -deps` counted the packages: how much and roughly how long. */
export function planLine(steps: readonly BuildStep[], cores: number): string {
  const packages = steps.reduce((sum, s) => sum + s.packages, 0);
  const minutes = estimateMinutes(packages, cores);
  return `${steps.length} binar${steps.length === 1 ? 'y' : 'ies'}, ${packages} packages to compile: about ${minutes} minute${minutes === 1 ? '' : 's'} on ${cores} core${cores === 1 ? '' : 's'}`;
}

/** Turns a build's events into progress output (see the file comment). */
export class BuildReporter {
  private readonly progress: Progress;
  private readonly clock: Clock;
  private current?: { step: BuildStep; started: number; compiled: number; lastLine: number; lastDraw: number };

  constructor(progress: Progress, clock: Clock = systemClock) {
    this.progress = progress;
    this.clock = clock;
  }

  start(step: BuildStep): void {
    const now = this.clock.now();
    this.current = { step, started: now, compiled: 0, lastLine: now, lastDraw: now };
    this.progress.live?.(liveLine(step, 0, 0));
  }

  compiled(): void {
    const c = this.current;
    if (!c) return;
    c.compiled++;
    const now = this.clock.now();
    if (this.progress.live) {
      if (now - c.lastDraw < REDRAW_MS) return;
      c.lastDraw = now;
      this.progress.live(liveLine(c.step, c.compiled, now - c.started));
    } else if (now - c.lastLine >= HEARTBEAT_MS) {
      c.lastLine = now;
      this.progress.info(`   … ${stepLabel(c.step)}: ${compiledOf(c.step, c.compiled)}, ${formatDuration(now - c.started)}`);
    }
  }

  done(): void {
    this.finish('done');
  }

  failed(): void {
    this.finish('failed');
  }

  private finish(state: 'done' | 'failed'): void {
    const c = this.current;
    if (!c) return;
    this.current = undefined;
    this.progress.live?.('');
    const compiled = `${Math.min(c.compiled, c.step.packages)} of ${c.step.packages} packages compiled`;
    this.progress.step(stepLabel(c.step), state, `${compiled}, ${formatDuration(this.clock.now() - c.started)}`);
  }
}
