import { describe, expect, it } from 'vitest';
import { rotationDeadline, rotationDelay } from './rotation.ts';

describe('rotationDeadline', () => {
  const start = 1_000_000;
  const life = 10 * 60_000;
  it('lies between 70% and 90% of the lifetime, driven by the random draw', () => {
    expect(rotationDeadline(start, start + life, 0)).toBe(start + 0.7 * life);
    expect(rotationDeadline(start, start + life, 0.5)).toBe(start + 0.8 * life);
    expect(rotationDeadline(start, start + life, 0.999999)).toBeLessThanOrEqual(start + 0.9 * life);
    for (let i = 0; i < 100; i++) {
      const d = rotationDeadline(start, start + life, Math.random());
      expect(d).toBeGreaterThanOrEqual(start + 0.7 * life);
      expect(d).toBeLessThanOrEqual(start + 0.9 * life);
    }
  });

  it('clamps random draws outside [0, 1]', () => {
    expect(rotationDeadline(0, 100, -1)).toBe(70);
    expect(rotationDeadline(0, 100, 2)).toBe(90);
  });

  it('waits the rest of the way, and not at all once past the deadline', () => {
    expect(rotationDelay(0, 1000, 0, 200)).toBe(500);
    expect(rotationDelay(0, 1000, 0, 950)).toBe(0);
  });
});
