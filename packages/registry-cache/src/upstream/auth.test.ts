import { describe, expect, it } from 'vitest';
import { FakeClock } from '@seedbed/core';
import { parseAuthChallenges } from './auth-challenge.ts';
import { TokenCache } from './token-cache.ts';

describe('parseAuthChallenges', () => {
  it('reads Bearer parameters, quoted commas included', () => {
    const [challenge] = parseAuthChallenges(
      'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/busybox:pull,push"',
    );
    expect(challenge).toEqual({
      scheme: 'bearer',
      params: { realm: 'https://auth.docker.io/token', service: 'registry.docker.io', scope: 'repository:library/busybox:pull,push' },
    });
  });

  it('reads Basic and several headers', () => {
    expect(parseAuthChallenges(['Basic realm="x"', 'Bearer realm="y"']).map((c) => c.scheme)).toEqual(['basic', 'bearer']);
    expect(parseAuthChallenges(undefined)).toEqual([]);
  });
});

describe('TokenCache', () => {
  it('keeps a token until shortly before it expires', async () => {
    const clock = new FakeClock();
    const cache = new TokenCache(clock);
    cache.set('scope', 't1', 60);
    expect(cache.get('scope')).toBe('t1');
    await clock.advance(54_000);
    expect(cache.get('scope')).toBe('t1');
    await clock.advance(2_000);
    expect(cache.get('scope')).toBeUndefined();
  });

  it('drops invalidated tokens', () => {
    const cache = new TokenCache(new FakeClock());
    cache.set('a', 'x', 300);
    cache.invalidate('a');
    expect(cache.get('a')).toBeUndefined();
  });
});
