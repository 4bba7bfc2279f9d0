/**
 * What a scenario expects of a shoot: how far it gets (a percentage, reached
 * or stopped at), where it fails, its conditions, and how long that may take.
 * Built fluently: reaches(100).withAllConditionsTrue().within(60_000).
 */
import { SeedbedError } from '@seedbed/core';
import { CONDITION_TYPES, SHOOT_STATUS_LABEL, type Shoot } from '@seedbed/gardener-api';

export const DEFAULT_EXPECTATION_TIMEOUT_MS = 90_000;

export class ShootExpectation {
  /** The progress expected; undefined when the expectation names the failing task instead (stopsAt(task)). */
  readonly percent: number | undefined;
  readonly outcome: 'succeeded' | 'stopped';
  failingTask?: string;
  allConditionsTrue = false;
  gardenerVersion?: string;
  timeoutMs = DEFAULT_EXPECTATION_TIMEOUT_MS;

  constructor(percent: number | undefined, outcome: 'succeeded' | 'stopped') {
    this.percent = percent;
    this.outcome = outcome;
  }

  withAllConditionsTrue(): this {
    this.allConditionsTrue = true;
    return this;
  }

  /** The last operation was run by a gardenlet of this version. */
  reconciledBy(version: string): this {
    this.gardenerVersion = version;
    return this;
  }

  failingAt(task: string): this {
    this.failingTask = task;
    return this;
  }

  within(ms: number): this {
    this.timeoutMs = ms;
    return this;
  }

  describe(): string {
    const what = this.outcome === 'succeeded' ? `reaches ${this.percent}%` : this.percent === undefined ? 'stops' : `stops at exactly ${this.percent}%`;
    return [what, this.failingTask && `fails at task ${this.failingTask}`, this.allConditionsTrue && 'has all conditions True', this.gardenerVersion && `by gardenlet ${this.gardenerVersion}`, `within ${this.timeoutMs / 1000}s`]
      .filter(Boolean)
      .join(', ');
  }

  /** true when met, false while it may still be met; throws when it can no longer be. */
  check(shoot: Shoot | undefined): boolean {
    const op = shoot?.status?.lastOperation;
    if (!shoot || !op) return false;
    if (this.gardenerVersion && shoot.status?.gardener?.version !== this.gardenerVersion) return false;
    if (this.outcome === 'succeeded') {
      if (op.state === 'Failed') throw new SeedbedError('EXPECTATION_FAILED', `stopped at ${op.progress}% instead: ${summarize(shoot)}`);
      if (op.state !== 'Succeeded' || op.progress < (this.percent ?? 100)) return false;
      if (!this.allConditionsTrue) return true;
      const conditions = shoot.status?.conditions ?? [];
      return CONDITION_TYPES.every((t) => conditions.some((c) => c.type === t && c.status === 'True')) && shoot.metadata.labels?.[SHOOT_STATUS_LABEL] === 'healthy';
    }
    if (op.state !== 'Failed') {
      if (op.state === 'Succeeded') throw new SeedbedError('EXPECTATION_FAILED', `succeeded (${op.progress}%) but was expected to stop at ${this.percent}%`);
      return false;
    }
    const task = shoot.status?.lastErrors?.[0]?.taskID;
    const wrongPercent = this.percent !== undefined && op.progress !== this.percent;
    if (wrongPercent || op.progress >= 100 || (this.failingTask && task !== this.failingTask)) {
      const expected = [this.percent !== undefined && `${this.percent}%`, this.failingTask && `at ${this.failingTask}`].filter(Boolean).join(' ');
      throw new SeedbedError('EXPECTATION_FAILED', `stopped at ${op.progress}% failing at task ${task ?? 'unknown'}, expected ${expected}`);
    }
    return true;
  }
}

export const reaches = (percent: number) => new ShootExpectation(percent, 'succeeded');
/**
 * The operation fails, at the named flow task (its progress then follows from the flow, so adding a task
 * changes no scenario), or at exactly `percent`.
 */
export const stopsAt = (at: number | string) => (typeof at === 'string' ? new ShootExpectation(undefined, 'stopped').failingAt(at) : new ShootExpectation(at, 'stopped'));

export function summarize(shoot: Shoot | undefined): string {
  if (!shoot) return 'shoot does not exist';
  const op = shoot.status?.lastOperation;
  const conditions = (shoot.status?.conditions ?? []).map((c) => `${c.type}=${c.status}`).join(' ');
  const errors = (shoot.status?.lastErrors ?? []).map((e) => `[${e.taskID}] ${e.description.split('\n')[0]}`).join('; ');
  return `${op ? `${op.type} ${op.state} ${op.progress}%` : 'no operation yet'}${conditions ? `; ${conditions}` : ''}${errors ? `; errors: ${errors}` : ''}`;
}
