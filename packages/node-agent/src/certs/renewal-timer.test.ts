import { describe, expect, it } from 'vitest';
import { FakeClock } from '@seedbed/core';
import { RenewalTimer } from './renewal-timer.ts';

describe('RenewalTimer', () => {
  it('fires once when due, and a new schedule replaces the pending one', async () => {
    const clock = new FakeClock();
    const timer = new RenewalTimer(clock);
    const fired: string[] = [];
    timer.schedule(1_000, () => fired.push('first'));
    expect(timer.dueInMs).toBe(1_000);
    await clock.advance(400);
    timer.schedule(1_000, () => fired.push('second'));
    await clock.advance(900);
    expect(fired).toEqual([]);
    expect(timer.dueInMs).toBe(100);
    await clock.advance(100);
    expect(fired).toEqual(['second']);
    expect(timer.dueInMs).toBeUndefined();
  });

  it('never fires after stop, nor for schedules made after it', async () => {
    const clock = new FakeClock();
    const timer = new RenewalTimer(clock);
    let fired = 0;
    timer.schedule(10, () => fired++);
    timer.stop();
    timer.schedule(10, () => fired++);
    await clock.advance(1_000);
    expect(fired).toBe(0);
    expect(clock.pendingSleeps).toBe(0);
  });
});
