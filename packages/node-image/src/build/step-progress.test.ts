import { describe, expect, it } from 'vitest';
import { FakeClock, consoleProgress } from '@seedbed/core';
import { StepProgress } from './step-progress.ts';

describe('StepProgress', () => {
  it('numbers steps, says how long each took or that it was cached, and ticks running steps', async () => {
    const lines: string[] = [];
    const clock = new FakeClock();
    const cached = new Set<string>();
    const p = new StepProgress([{ name: 'a', title: 'debootstrap node rootfs' }, { name: 'b', title: 'building containerd v2.3.4' }], consoleProgress((l) => lines.push(l)), clock, cached);
    p.onEvent({ type: 'task-started', task: 'a', attempt: 1 });
    p.onEvent({ type: 'task-started', task: 'b', attempt: 1 });
    cached.add('a');
    p.onEvent({ type: 'task-succeeded', task: 'a', durationMs: 5 });
    await clock.advance(100_000);
    p.tick();
    p.onEvent({ type: 'task-succeeded', task: 'b', durationMs: 100_000 });
    expect(lines).toEqual([
      ' • debootstrap node rootfs — 1 of 2',
      ' • building containerd v2.3.4 — 2 of 2',
      ' ✓ debootstrap node rootfs — 1 of 2 — cached',
      '   … building containerd v2.3.4 — 2 of 2 — 1m40s',
      ' ✓ building containerd v2.3.4 — 2 of 2 — 1m40s',
    ]);
  });
});
