/**
 * Bearer tokens per upstream and scope, kept until shortly before they expire
 * (by the injectable clock) and dropped when an upstream answers 401.
 */
import { systemClock, type Clock } from '@seedbed/core';

/** Token lifetime when the token endpoint does not say (the distribution spec's default). */
export const DEFAULT_TOKEN_LIFETIME_SECONDS = 60;
/** Refresh this long before expiry so a token never expires in flight. */
export const TOKEN_EXPIRY_MARGIN_MS = 5_000;

interface Entry {
  token: string;
  expiresAt: number;
}

export class TokenCache {
  private readonly entries = new Map<string, Entry>();
  private readonly clock: Clock;

  constructor(clock: Clock = systemClock) {
    this.clock = clock;
  }

  get(key: string): string | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (this.clock.now() >= entry.expiresAt - TOKEN_EXPIRY_MARGIN_MS) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.token;
  }

  set(key: string, token: string, lifetimeSeconds = DEFAULT_TOKEN_LIFETIME_SECONDS): void {
    this.entries.set(key, { token, expiresAt: this.clock.now() + Math.max(lifetimeSeconds, 1) * 1000 });
  }

  invalidate(key: string): void {
    this.entries.delete(key);
  }

  get size(): number {
    return this.entries.size;
  }
}
