import { describe, expect, it } from 'vitest';
import { ValidationError } from '@seedbed/core';
import { parseIntOrPercent, scaledValue } from './int-or-percent.ts';

describe('int-or-percent', () => {
  it('reads numbers as counts and "N%" as percentages', () => {
    expect(parseIntOrPercent(3, 'x')).toEqual({ kind: 'count', value: 3 });
    expect(parseIntOrPercent('25%', 'x')).toEqual({ kind: 'percent', value: 25 });
  });

  it('rejects a digit string: "1" is not a percentage', () => {
    expect(() => parseIntOrPercent('1', 'spec.maxUnhealthy')).toThrow(ValidationError);
    expect(() => parseIntOrPercent('1', 'spec.maxUnhealthy')).toThrow(/spec.maxUnhealthy.*"1"/s);
  });

  it('rejects negatives, fractions and percentages above 100', () => {
    for (const bad of [-1, 1.5, '101%', '%', '-5%']) expect(() => parseIntOrPercent(bad, 'x')).toThrow(ValidationError);
  });

  it('rounds percentages down or up as asked', () => {
    expect(scaledValue('10%', 15, false)).toBe(1);
    expect(scaledValue('10%', 15, true)).toBe(2);
    expect(scaledValue('50%', 4, false)).toBe(2);
    expect(scaledValue('10%', 5, false)).toBe(0);
    expect(scaledValue(7, 3, false)).toBe(7);
  });
});
