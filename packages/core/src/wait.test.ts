import { describe, expect, it } from 'vitest';
import { FakeClock } from './clock.ts';
import { CancelledError, TimeoutError } from './errors.ts';
import { Wait } from './wait.ts';

describe('Wait', () => {
  it('returns the first value the check yields', async () => {
    const clock = new FakeClock();
    let calls = 0;
    const wait = new Wait({ what: 'the answer', clock, intervalMs: 10 });
    const result = wait.until(() => (++calls === 3 ? 42 : undefined));
    await clock.advance(10);
    await clock.advance(10);
    await expect(result).resolves.toBe(42);
  });

  it('fails with what was awaited, for how long, the last error and the component log tail', async () => {
    const clock = new FakeClock();
    const wait = new Wait({
      what: 'kube-apiserver /readyz',
      timeoutMs: 2000,
      intervalMs: 500,
      clock,
      component: { name: 'kube-apiserver', logTail: () => ['E0101 etcd unreachable', 'F0101 exiting'] },
    });
    const result = wait.until(() => {
      throw new Error('connect ECONNREFUSED');
    }).catch((e: unknown) => e);
    for (let i = 0; i < 5; i++) await clock.advance(500);
    const error = (await result) as TimeoutError;
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error.message).toContain('timed out after 2s waiting for kube-apiserver /readyz');
    expect(error.message).toContain('last check: connect ECONNREFUSED');
    expect(error.message).toContain('--- last log lines of kube-apiserver ---\nE0101 etcd unreachable\nF0101 exiting');
  });

  it('stops when its signal aborts', async () => {
    const controller = new AbortController();
    const wait = new Wait({ what: 'never', intervalMs: 5, signal: controller.signal });
    const result = wait.until(() => false);
    controller.abort();
    await expect(result).rejects.toBeInstanceOf(CancelledError);
  });

  it('checks again on every event of its wakeup (a watch), not on a poll interval, and unsubscribes', async () => {
    const clock = new FakeClock();
    const listeners = new Set<() => void>();
    let state = 0;
    let checks = 0;
    const wait = new Wait({ what: 'state 2', clock, intervalMs: 60_000, timeoutMs: 600_000 });
    const result = wait.until(() => (++checks, state === 2 ? 'reached' : undefined), (wake) => {
      listeners.add(wake);
      return () => listeners.delete(wake);
    });
    await new Promise((r) => setImmediate(r));
    expect(checks).toBe(1);
    state = 1;
    listeners.forEach((l) => l());
    await new Promise((r) => setImmediate(r));
    expect(checks).toBe(2);
    state = 2;
    listeners.forEach((l) => l());
    await expect(result).resolves.toBe('reached');
    expect(checks).toBe(3);
    expect(clock.now()).toBe(0);
    expect(listeners.size).toBe(0);
    expect(clock.pendingSleeps).toBe(0);
  });
});
