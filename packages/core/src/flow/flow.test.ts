import { describe, expect, it } from 'vitest';
import { FakeClock } from '../clock.ts';
import { ValidationError } from '../errors.ts';
import { Flow, FlowError, progressPercent } from './flow.ts';
import type { FlowEvent } from './task.ts';

const noop = async () => {};

describe('Flow', () => {
  it('runs tasks after their dependencies and in parallel when independent', async () => {
    const order: string[] = [];
    let concurrent = 0;
    let maxConcurrent = 0;
    const step = (name: string) => async () => {
      concurrent++;
      maxConcurrent = Math.max(maxConcurrent, concurrent);
      order.push(`start ${name}`);
      await new Promise((r) => setTimeout(r, 10));
      order.push(`end ${name}`);
      concurrent--;
    };
    const flow = new Flow('bring-up', [
      { name: 'etcd', run: step('etcd') },
      { name: 'certs', run: step('certs') },
      { name: 'apiserver', dependencies: ['etcd', 'certs'], run: step('apiserver') },
    ]);
    const result = await flow.run();
    expect(result.percent).toBe(100);
    expect(maxConcurrent).toBe(2);
    expect(order.indexOf('start apiserver')).toBeGreaterThan(order.indexOf('end etcd'));
    expect(order.indexOf('start apiserver')).toBeGreaterThan(order.indexOf('end certs'));
  });

  it('stops at the failing task, skips its dependents and reports progress rounded down', async () => {
    const events: FlowEvent[] = [];
    const flow = new Flow('shoot', [
      { name: 'a', run: noop },
      { name: 'b', dependencies: ['a'], run: noop },
      { name: 'c', dependencies: ['b'], run: async () => Promise.reject(new Error('boom')) },
      { name: 'd', dependencies: ['c'], run: noop },
      { name: 'e', dependencies: ['d'], run: noop },
      { name: 'f', dependencies: ['e'], run: noop },
    ]);
    const error = await flow.run({ onEvent: (e) => events.push(e) }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FlowError);
    const flowError = error as FlowError;
    expect(flowError.percent).toBe(33);
    expect(flowError.failures.map((f) => f.task)).toEqual(['c']);
    expect(flowError.message).toContain('task "c": boom');
    expect(events.some((e) => e.type === 'task-started' && e.task === 'd')).toBe(false);
  });

  it('retries with exponential backoff on an injected clock', async () => {
    const clock = new FakeClock();
    let attempts = 0;
    const delays: number[] = [];
    const flow = new Flow('retry', [
      {
        name: 'flaky',
        retry: { attempts: 3, initialDelayMs: 100 },
        run: async () => {
          attempts++;
          if (attempts < 3) throw new Error(`attempt ${attempts}`);
        },
      },
    ]);
    const done = flow.run({ clock, onEvent: (e) => e.type === 'task-retrying' && delays.push(e.delayMs) });
    while (attempts < 3) await clock.advance(100);
    await expect(done).resolves.toMatchObject({ percent: 100 });
    expect(delays).toEqual([100, 200]);
  });

  it('times a task out and aborts its signal', async () => {
    const clock = new FakeClock();
    let aborted = false;
    const flow = new Flow('timeout', [
      {
        name: 'hangs',
        timeoutMs: 1000,
        run: ({ signal }) =>
          new Promise<void>((_resolve, reject) =>
            signal.addEventListener('abort', () => {
              aborted = true;
              reject(signal.reason);
            }),
          ),
      },
    ]);
    const done = flow.run({ clock }).catch((e: unknown) => e);
    await clock.advance(1000);
    const error = (await done) as FlowError;
    expect(aborted).toBe(true);
    expect(error.message).toContain('timed out after 1s waiting for task "hangs"');
  });

  it('rejects unknown dependencies, duplicates and cycles all at once', () => {
    try {
      new Flow('bad', [
        { name: 'a', dependencies: ['b'], run: noop },
        { name: 'b', dependencies: ['a'], run: noop },
        { name: 'c', dependencies: ['missing'], run: noop },
        { name: 'd', run: noop },
        { name: 'd', run: noop },
      ]);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ValidationError);
      const problems = (error as ValidationError).problems.map((p) => p.message);
      expect(problems).toContain('duplicate task name');
      expect(problems).toContain('depends on unknown task "missing"');
      expect(problems.some((p) => p.startsWith('dependency cycle'))).toBe(true);
    }
  });

  it('computes progress like gardener: 100·succeeded/all, rounded down', () => {
    expect(progressPercent(5, 6)).toBe(83);
    expect(progressPercent(2, 3)).toBe(66);
    expect(progressPercent(0, 0)).toBe(100);
  });
});
