import { describe, expect, it } from 'vitest';
import { parseGoDuration } from './go-duration.ts';

describe('parseGoDuration', () => {
  it.each([
    ['10m', 600_000],
    ['1h30m', 5_400_000],
    ['8760h0m0s', 8760 * 3_600_000],
    ['1.5h', 5_400_000],
    ['90s', 90_000],
    ['250ms', 250],
    ['0', 0],
    ['-5m', -300_000],
  ])('reads %s', (text, ms) => expect(parseGoDuration(text)).toBe(ms));

  it.each(['', '10', 'm', '10 m', '1d', '1h30', 'abc', '1h-30m'])('rejects %j with a reason', (text) => {
    expect(parseGoDuration(text)).toMatch(/is not a duration/);
  });
});
