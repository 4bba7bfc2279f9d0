import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from 'commander';
import { describeRollout, parseCliIntOrPercent, rolloutCommand } from './rollout-command.ts';
import type { Rollout } from '../api/types.ts';

describe('seedbed rollout', () => {
  it('reads digits on the command line as a count and "N%" as a percentage', () => {
    expect(parseCliIntOrPercent('1')).toBe(1);
    expect(parseCliIntOrPercent('10%')).toBe('10%');
    expect(() => parseCliIntOrPercent('ten')).toThrow(InvalidArgumentError);
    expect(() => parseCliIntOrPercent('120%')).toThrow(InvalidArgumentError);
  });

  it('has start, watch, pause, resume, abort, retry and controller', () => {
    expect(rolloutCommand().commands.map((c) => c.name())).toEqual(['start', 'watch', 'pause', 'resume', 'abort', 'rollback', 'retry', 'controller']);
  });

  it('describes a rollout in one line: phase, wave, seeds, counts, reason', () => {
    const rollout: Rollout = {
      apiVersion: 'rollouts.seedbed.dev/v1alpha1',
      kind: 'Rollout',
      metadata: { name: 'r' },
      spec: { targetVersion: 'v2.0.0', canarySelector: {}, maxUnhealthy: 0 },
      status: {
        phase: 'Halted',
        observedTarget: 'v2.0.0',
        reason: 'UnhealthyThresholdExceeded',
        message: '1 unhealthy shoot in wave canary exceeds maxUnhealthy 0: garden-local/c6',
        currentWave: 0,
        waves: [{ name: 'canary', seeds: ['a'] }, { name: 'rest', seeds: ['b'] }],
        seeds: { a: { wave: 0, version: 'v2.0.0', state: 'Updating' }, b: { wave: 1, version: 'v1.0.0', state: 'Waiting' } },
        shoots: { healthy: 1, unhealthy: 1, excluded: 0, pending: 0, unknown: 0, maxUnhealthy: 0 },
      },
    };
    expect(describeRollout(rollout)).toBe(
      'r: Halted · target v2.0.0 · wave 1/2 (canary) · seeds updated 0/2 · shoots healthy 1 unhealthy 1/0 excluded 0 pending 0 unknown 0 · UnhealthyThresholdExceeded: 1 unhealthy shoot in wave canary exceeds maxUnhealthy 0: garden-local/c6',
    );
  });
});
