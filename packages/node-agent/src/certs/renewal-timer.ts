/**
 * One pending renewal on an injected clock: scheduling again replaces the
 * previous one, and stopping cancels it. The node agent keeps one for its
 * serving certificate and one for its client certificate.
 */
import type { Clock } from '@seedbed/core';

export class RenewalTimer {
  private controller = new AbortController();
  private dueAt: number | undefined;
  private stopped = false;

  constructor(private readonly clock: Clock) {}

  /** Runs `fire` after `delayMs` on the clock unless rescheduled or stopped first. */
  schedule(delayMs: number, fire: () => void): void {
    if (this.stopped) return;
    this.controller.abort();
    const controller = new AbortController();
    this.controller = controller;
    this.dueAt = this.clock.now() + delayMs;
    this.clock.sleep(delayMs, controller.signal).then(
      () => {
        this.dueAt = undefined;
        fire();
      },
      () => {}, // replaced by a newer schedule, or stopped
    );
  }

  /** Time left on the clock until it fires; undefined when nothing is pending. */
  get dueInMs(): number | undefined {
    return this.dueAt === undefined ? undefined : this.dueAt - this.clock.now();
  }

  stop(): void {
    this.stopped = true;
    this.dueAt = undefined;
    this.controller.abort();
  }
}
