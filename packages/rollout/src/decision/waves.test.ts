import { describe, expect, it } from 'vitest';
import { planWaves, type ObservedSeed } from './waves.ts';
import type { RolloutSpec } from '../api/types.ts';

const seeds: ObservedSeed[] = Array.from({ length: 10 }, (_, i) => ({ name: `s${String(i).padStart(2, '0')}`, labels: i < 2 ? { canary: 'true' } : { tier: i < 9 ? 'prod' : 'legacy' } } as ObservedSeed));
const spec = (extra: Partial<RolloutSpec> = {}): RolloutSpec => ({ targetVersion: 'v2.0.0', canarySelector: { matchLabels: { canary: 'true' } }, maxUnhealthy: 0, ...extra });

describe('planWaves', () => {
  it('puts canaries first and the other seeds in one last wave without batches', () => {
    expect(planWaves(spec(), seeds).map((w) => [w.name, w.seeds.length])).toEqual([['canary', 2], ['rest', 8]]);
  });

  it('sizes batches by count and by percentage of the non-canary seeds, rounded up', () => {
    const waves = planWaves(spec({ batches: [1, '30%'] }), seeds);
    // 30% of 8 = 2.4 → 3
    expect(waves.map((w) => [w.name, w.seeds])).toEqual([
      ['canary', ['s00', 's01']],
      ['batch-1', ['s02']],
      ['batch-2', ['s03', 's04', 's05']],
      ['rest', ['s06', 's07', 's08', 's09']],
    ]);
  });

  it('gives a tiny percentage at least one seed and stops when seeds run out', () => {
    expect(planWaves(spec({ batches: ['1%', '100%', 5] }), seeds).map((w) => w.seeds.length)).toEqual([2, 1, 7]);
  });

  it('only plans seeds the seed selector picks', () => {
    const waves = planWaves(spec({ seedSelector: { matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['legacy'] }] } }), seeds);
    expect(waves.flatMap((w) => w.seeds)).not.toContain('s09');
    expect(waves.flatMap((w) => w.seeds)).toHaveLength(9);
  });

  it('keeps an empty canary wave when no seed matches (it completes at once)', () => {
    expect(planWaves(spec({ canarySelector: { matchLabels: { none: 'x' } } }), seeds)[0]).toEqual({ name: 'canary', seeds: [] });
  });
});
