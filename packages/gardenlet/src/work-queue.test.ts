import { describe, expect, it } from 'vitest';
import { WorkQueue } from './work-queue.ts';

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
    queue.add('a');
    await new Promise((r) => setImmediate(r));
    expect(runs).toEqual(['a']);
    release();
    await queue.idle();
    expect(runs).toEqual(['a', 'a']);
  });

  it('becomes idle after stop even when a running key was re-added', async () => {
    let release!: () => void;
    const queue = new WorkQueue(() => new Promise<void>((r) => (release = r)));
    queue.add('a');
    await new Promise((r) => setImmediate(r));
    queue.add('a');
    queue.stop();
    const idle = queue.idle();
    release();
    await expect(idle).resolves.toBeUndefined();
  });

  it('limits concurrency across keys', async () => {
    let active = 0;
    let peak = 0;
    const queue = new WorkQueue(async () => {
      active++;
      peak = Math.max(peak, active);
      await new Promise((r) => setTimeout(r, 5));
      active--;
    }, 2);
    for (const key of ['a', 'b', 'c', 'd']) queue.add(key);
    await queue.idle();
    expect(peak).toBe(2);
  });
});
