import { describe, expect, it } from 'vitest';
import { Histogram } from './apiserver-metrics.ts';

describe('Histogram', () => {
  const h = (pairs: Array<[number, number]>) => new Histogram(new Map(pairs));
  it('subtracts an earlier scrape and bounds percentiles by bucket', () => {
    const before = h([[0.025, 10], [0.05, 10], [0.1, 10], [Infinity, 10]]);
    const after = h([[0.025, 60], [0.05, 105], [0.1, 109], [Infinity, 110]]);
    const delta = after.minus(before);
    expect(delta.count).toBe(100);
    expect(delta.quantileBound(50)).toBe(0.025);
    expect(delta.quantileBound(95)).toBe(0.05);
    expect(delta.quantileBound(99)).toBe(0.1);
    expect(delta.quantileBound(100)).toBe(Infinity);
  });
});
