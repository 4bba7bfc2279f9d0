/**
 * Turns a build flow's events into the lines a user watches:
 *   • building containerd v2.3.4 — 6 of 16
 *   ✓ building containerd v2.3.4 — 6 of 16 — 1m40s
 *   ✓ debootstrap node rootfs (bookworm) — 2 of 16 — cached
 * and, every `intervalMs` while steps run, one line per running step with
 * its elapsed time, so a long Go build or debootstrap never looks stuck.
 */
import { describeError, formatDuration, systemClock, type Clock, type FlowEvent, type Progress } from '@seedbed/core';

export const STEP_TICK_MS = 30_000;

export interface StepTitle {
  name: string;
  title: string;
}

export class StepProgress {
  private readonly index = new Map<string, number>();
  private readonly titles = new Map<string, string>();
  private readonly started = new Map<string, number>();
  private ticker?: ReturnType<typeof setInterval>;

  constructor(
    steps: readonly StepTitle[],
    private readonly progress: Progress,
    private readonly clock: Clock = systemClock,
    /** Steps whose artifact was already cached; filled by the steps as they run. */
    private readonly cached: Set<string> = new Set(),
  ) {
    steps.forEach((s, i) => {
      this.index.set(s.name, i + 1);
      this.titles.set(s.name, s.title);
    });
  }

  /** `building containerd v2.3.4 — 6 of 16` */
  label(name: string): string {
    return `${this.titles.get(name) ?? name} — ${this.index.get(name) ?? '?'} of ${this.index.size}`;
  }

  onEvent = (event: FlowEvent): void => {
    switch (event.type) {
      case 'task-started':
        this.started.set(event.task, this.clock.now());
        this.progress.step(this.label(event.task), 'start');
        break;
      case 'task-succeeded':
        this.started.delete(event.task);
        this.progress.step(`${this.label(event.task)} — ${this.cached.has(event.task) ? 'cached' : formatDuration(event.durationMs)}`, 'done');
        break;
      case 'task-retrying':
        this.progress.step(`${this.label(event.task)}: ${describeError(event.error)}`, 'retry');
        break;
      case 'task-failed':
        this.started.delete(event.task);
        this.progress.step(`${this.label(event.task)} — ${formatDuration(event.durationMs)}`, 'failed');
        break;
      case 'progress':
        break;
    }
  };

  /** One line per running step with its elapsed time. */
  tick(): void {
    for (const [name, began] of this.started) this.progress.info(`   … ${this.label(name)} — ${formatDuration(this.clock.now() - began)}`);
  }

  startTicking(intervalMs = STEP_TICK_MS): void {
    this.ticker = setInterval(() => this.tick(), intervalMs);
    this.ticker.unref();
  }

  stopTicking(): void {
    if (this.ticker) clearInterval(this.ticker);
  }
}
