import { describe, expect, it } from 'vitest';
import { formatSelector, matchesSelector, parseSelector } from './label-selector.ts';

describe('label selectors', () => {
  const labels = { 'seedbed.dev/canary': 'true', zone: 'a' };

  it('matches matchLabels and every operator', () => {
    expect(matchesSelector({ matchLabels: { 'seedbed.dev/canary': 'true' } }, labels)).toBe(true);
    expect(matchesSelector({ matchLabels: { 'seedbed.dev/canary': 'false' } }, labels)).toBe(false);
    expect(matchesSelector({ matchExpressions: [{ key: 'zone', operator: 'In', values: ['a', 'b'] }] }, labels)).toBe(true);
    expect(matchesSelector({ matchExpressions: [{ key: 'zone', operator: 'NotIn', values: ['a'] }] }, labels)).toBe(false);
    expect(matchesSelector({ matchExpressions: [{ key: 'zone', operator: 'Exists' }] }, labels)).toBe(true);
    expect(matchesSelector({ matchExpressions: [{ key: 'zone', operator: 'DoesNotExist' }] }, labels)).toBe(false);
    expect(matchesSelector({ matchExpressions: [{ key: 'other', operator: 'NotIn', values: ['x'] }] }, labels)).toBe(true);
  });

  it('an absent selector selects everything', () => {
    expect(matchesSelector(undefined, {})).toBe(true);
  });

  it('parses and formats the CLI form', () => {
    const selector = parseSelector('seedbed.dev/canary=true,zone,!legacy');
    expect(selector).toEqual({
      matchLabels: { 'seedbed.dev/canary': 'true' },
      matchExpressions: [{ key: 'zone', operator: 'Exists' }, { key: 'legacy', operator: 'DoesNotExist' }],
    });
    expect(formatSelector(selector)).toBe('seedbed.dev/canary=true,zone,!legacy');
  });
});
