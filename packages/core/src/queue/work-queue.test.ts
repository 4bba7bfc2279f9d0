import { describe, expect, it } from 'vitest';
import { FakeClock } from '../clock.ts';
import { WorkQueue } from './work-queue.ts';

const turn = () => new Promise((r) => setImmediate(r));

describe('WorkQueue', () => {
  it('runs a key once at a time and collapses adds during a run into one re-run', async () => {
    const runs: string[] = [];
    let release!: () => void;
    const queue = new WorkQueue(async (key) => {
      runs.push(key);
      if (runs.length === 1) await new Promise<void>((r) => (release = r));
    });
    queue.add('a');
    queue.add('a');
    await turn();
    queue.add('a');
    queue.add('a');
    expect(runs).toEqual(['a']);
    release();
    await queue.idle();
    expect(runs).toEqual(['a', 'a']);
  });

  it('hands each run the time of the add that caused it', async () => {
    const clock = new FakeClock();
    const seen: number[] = [];
    const queue = new WorkQueue(async (_key, queuedAt) => void seen.push(queuedAt), { clock });
    await clock.advance(7);
    queue.add('a');
    await queue.idle();
    expect(seen).toEqual([7]);
  });

  it('limits concurrency across keys', async () => {
    let active = 0;
    let peak = 0;
    const releases: Array<() => void> = [];
    const queue = new WorkQueue(async () => {
      active++;
      peak = Math.max(peak, active);
      await new Promise<void>((r) => releases.push(r));
      active--;
    }, { concurrency: 2 });
    for (const key of ['a', 'b', 'c', 'd']) queue.add(key);
    const idle = queue.idle();
    let released = 0;
    while (released < 4) {
      await turn();
      expect(active).toBeLessThanOrEqual(2);
      for (const release of releases.splice(0)) {
        release();
        released++;
      }
    }
    await idle;
    expect(peak).toBe(2);
  });

  it('retries every failure with per-key exponential backoff, reports each, and resets on success', async () => {
    const clock = new FakeClock();
    const errors: Array<[string, number, number]> = [];
    let failuresLeft = 3;
    const runs: number[] = [];
    const queue = new WorkQueue(
      async () => {
        runs.push(clock.now());
        if (failuresLeft-- > 0) throw new Error('rejected');
      },
      { clock, baseDelayMs: 100, maxDelayMs: 250, onError: (key, error, failures, retryInMs) => errors.push([`${key}: ${(error as Error).message}`, failures, retryInMs].flat() as never) },
    );
    queue.add('ns/shoot');
    await queue.idle();
    await clock.advance(99);
    expect(runs).toEqual([0]);
    await clock.advance(1);
    await clock.advance(200);
    await clock.advance(250);
    await queue.idle();
    expect(runs).toEqual([0, 100, 300, 550]);
    expect(errors).toEqual([
      ['ns/shoot: rejected', 1, 100],
      ['ns/shoot: rejected', 2, 200],
      ['ns/shoot: rejected', 3, 250],
    ]);
    expect(queue.failuresOf('ns/shoot')).toBe(0);
    expect(clock.pendingSleeps).toBe(0);
  });

  it('lets an add during a failing run wait for the backoff instead of retrying at once', async () => {
    const clock = new FakeClock();
    let calls = 0;
    const queue = new WorkQueue(async (key) => {
      calls++;
      if (calls === 1) {
        queue.add(key);
        throw new Error('fails once');
      }
    }, { clock, baseDelayMs: 50 });
    queue.add('a');
    await queue.idle();
    expect(calls).toBe(1);
    await clock.advance(50);
    await queue.idle();
    expect(calls).toBe(2);
  });

  it('cancels delayed adds on stop and becomes idle even when a running key was re-added', async () => {
    const clock = new FakeClock();
    let release!: () => void;
    const queue = new WorkQueue(() => new Promise<void>((r) => (release = r)), { clock });
    queue.addAfter('later', 1_000);
    queue.add('a');
    await turn();
    queue.add('a');
    queue.stop();
    expect(clock.pendingSleeps).toBe(0);
    const idle = queue.idle();
    release();
    await expect(idle).resolves.toBeUndefined();
  });
});
