import { describe, expect, it } from 'vitest';
import { FakeClock, consoleProgress } from '@seedbed/core';
import { BuildReporter, HEARTBEAT_MS, REDRAW_MS, bar, estimateMinutes, liveLine, planLine, whyLine, type BuildStep } from './build-progress.ts';

const step = (index: number, binary: string, packages: number): BuildStep => ({
  index,
  total: 2,
  binary,
  module: 'k8s.io/kubernetes',
  version: 'v1.36.3',
  packages,
});

/** A console progress writing into arrays: lines, and the raw live output on a terminal. */
function capture(tty: boolean) {
  const lines: string[] = [];
  const raw: string[] = [];
  return { lines, raw, progress: consoleProgress((l) => lines.push(l), { tty, writeRaw: (t) => raw.push(t) }) };
}

describe('the first lines', () => {
  it('say why, what and where it is cached, before anything runs', () => {
    const line = whyLine({
      firstRun: true,
      modules: [{ module: 'k8s.io/kubernetes', version: 'v1.36.3', binaries: ['kube-apiserver', 'kubectl'] }],
      binDir: '/home/dev/.cache/seedbed/bin',
      home: '/home/dev',
    });
    expect(line).toBe('first run on this machine: building kube-apiserver, kubectl (k8s.io/kubernetes v1.36.3) from source with go; cached in ~/.cache/seedbed/bin');
  });

  it('name a new pin when something was cached before, one module per group', () => {
    const line = whyLine({
      firstRun: false,
      modules: [
        { module: 'k8s.io/kubernetes', version: 'v1.36.3', binaries: ['kubectl'] },
        { module: 'go.etcd.io/etcd/server/v3', version: 'v3.6.8', binaries: ['etcd'] },
      ],
      binDir: '/var/cache/seedbed/bin',
      home: '/root',
    });
    expect(line).toBe(
      'not in the cache yet (a new pin or a new tool): building kubectl (k8s.io/kubernetes v1.36.3); etcd (go.etcd.io/etcd/server/v3 v3.6.8) from source with go; cached in /var/cache/seedbed/bin',
    );
  });

  it('then say how much and roughly how long, from the package count and the cores', () => {
    expect(planLine([step(1, 'kube-apiserver', 2030), step(2, 'kubectl', 300)], 2)).toBe('2 binaries, 2330 packages to compile: about 10 minutes on 2 cores');
    expect(planLine([step(1, 'kubectl', 30)], 1)).toBe('1 binary, 30 packages to compile: about 1 minute on 1 core');
    expect(estimateMinutes(2400, 2)).toBe(10);
    expect(estimateMinutes(2400, 4)).toBe(5);
    expect(estimateMinutes(10, 2)).toBe(1);
  });
});

describe('a step', () => {
  it('shows index, binary, module@version, a bar, packages compiled of the total, and the elapsed time', () => {
    expect(bar(5, 10, 10)).toBe('█████░░░░░');
    expect(bar(20, 10, 4)).toBe('████');
    expect(liveLine(step(1, 'kube-apiserver', 10), 5, 73_000)).toBe(
      '[1/2] kube-apiserver (k8s.io/kubernetes@v1.36.3) ██████████░░░░░░░░░░ 5/10 packages, 1m13s',
    );
  });
});

describe('BuildReporter', () => {
  it('without a terminal prints one line per step with its duration, and a heartbeat while a step runs long', async () => {
    const clock = new FakeClock();
    const { lines, raw, progress } = capture(false);
    const reporter = new BuildReporter(progress, clock);
    reporter.start(step(1, 'kube-apiserver', 100));
    for (let i = 0; i < 40; i++) reporter.compiled();
    await clock.advance(HEARTBEAT_MS);
    reporter.compiled();
    await clock.advance(30_000);
    reporter.compiled();
    reporter.done();
    reporter.start(step(2, 'kubectl', 10));
    await clock.advance(2_000);
    reporter.failed();
    expect(raw).toEqual([]);
    expect(lines).toEqual([
      '   … [1/2] kube-apiserver (k8s.io/kubernetes@v1.36.3): 41/100 packages, 1m',
      ' ✓ [1/2] kube-apiserver (k8s.io/kubernetes@v1.36.3) (42 of 100 packages compiled, 1m30s)',
      ' ✗ [2/2] kubectl (k8s.io/kubernetes@v1.36.3) (0 of 10 packages compiled, 2s)',
    ]);
  });

  it('on a terminal redraws one live bar at most every REDRAW_MS and clears it before a step line', async () => {
    const clock = new FakeClock();
    const { lines, raw, progress } = capture(true);
    const reporter = new BuildReporter(progress, clock);
    reporter.start(step(1, 'kubectl', 4));
    reporter.compiled();
    await clock.advance(REDRAW_MS);
    reporter.compiled();
    await clock.advance(REDRAW_MS);
    reporter.compiled();
    reporter.compiled();
    reporter.done();
    const drawn = raw.filter((t) => t.startsWith('['));
    expect(drawn).toEqual([
      '[1/2] kubectl (k8s.io/kubernetes@v1.36.3) ░░░░░░░░░░░░░░░░░░░░ 0/4 packages, 0ms',
      '[1/2] kubectl (k8s.io/kubernetes@v1.36.3) ██████████░░░░░░░░░░ 2/4 packages, 250ms',
      '[1/2] kubectl (k8s.io/kubernetes@v1.36.3) ███████████████░░░░░ 3/4 packages, 500ms',
    ]);
    expect(raw.at(-1)).toBe('\r\x1b[2K');
    expect(lines).toEqual([' ✓ [1/2] kubectl (k8s.io/kubernetes@v1.36.3) (4 of 4 packages compiled, 500ms)']);
  });
});
