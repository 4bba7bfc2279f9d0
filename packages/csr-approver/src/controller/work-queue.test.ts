import { describe, expect, it } from 'vitest';
import { WorkQueue } from './work-queue.ts';

describe('WorkQueue', () => {
  it('queues a key once and keeps the time it was first queued', async () => {
    let now = 10;
    const q = new WorkQueue(() => now);
    q.add('a');
    now = 20;
    q.add('a');
    q.add('b');
    expect(q.length).toBe(2);
    expect(await q.next()).toEqual({ key: 'a', queuedAt: 10 });
    expect(await q.next()).toEqual({ key: 'b', queuedAt: 20 });
  });

  it('never hands a key to two workers; a key added while processing comes back after done', async () => {
    let now = 0;
    const q = new WorkQueue(() => now);
    q.add('a');
    const first = await q.next();
    now = 5;
    q.add('a');
    expect(q.length).toBe(0);
    const second = q.next();
    q.done(first!.key);
    expect(await second).toEqual({ key: 'a', queuedAt: 5 });
  });

  it('wakes a waiting worker and ends waiting workers on shutdown', async () => {
    const q = new WorkQueue(() => 0);
    const waiting = q.next();
    q.add('x');
    expect((await waiting)?.key).toBe('x');
    const idle = q.next();
    q.shutDown();
    expect(await idle).toBeUndefined();
    q.add('y');
    expect(await q.next()).toBeUndefined();
  });
});
