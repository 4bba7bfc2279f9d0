import { afterEach, describe, expect, it, vi } from 'vitest';
import { MAX_TIMEOUT_MS, systemClock } from './clock.ts';

describe('systemClock.sleep', () => {
  afterEach(() => vi.useRealTimers());

  it('sleeps longer than setTimeout can hold (a year-long certificate rotates after months), in chained steps', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    let done = false;
    const sleeping = systemClock.sleep(MAX_TIMEOUT_MS + 60_000).then(() => (done = true));
    await vi.advanceTimersByTimeAsync(1_000);
    expect(done).toBe(false);
    await vi.advanceTimersByTimeAsync(MAX_TIMEOUT_MS - 1_000);
    expect(done).toBe(false);
    await vi.advanceTimersByTimeAsync(60_000);
    await sleeping;
    expect(done).toBe(true);
  });

  it('is aborted during a later step of a long sleep', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    const controller = new AbortController();
    const sleeping = systemClock.sleep(3 * MAX_TIMEOUT_MS, controller.signal);
    await vi.advanceTimersByTimeAsync(MAX_TIMEOUT_MS + 10);
    controller.abort(new Error('stopped'));
    await expect(sleeping).rejects.toThrow('stopped');
  });
});
