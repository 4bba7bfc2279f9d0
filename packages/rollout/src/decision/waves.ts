/**
 * Waves of a rollout: the canary seeds, then batches of the other seeds (each
 * a count or a percentage of them, rounded up and at least one), then the
 * rest. Seeds are ordered by name so a plan is reproducible.
 */
import { scaledValue } from '../api/int-or-percent.ts';
import { matchesSelector } from '../api/label-selector.ts';
import type { RolloutSpec, WaveStatus } from '../api/types.ts';

export interface ObservedSeed {
  name: string;
  labels: Record<string, string>;
}

export function planWaves(spec: RolloutSpec, seeds: readonly ObservedSeed[]): WaveStatus[] {
  const inScope = seeds.filter((s) => matchesSelector(spec.seedSelector, s.labels)).sort((a, b) => a.name.localeCompare(b.name));
  const canaries = inScope.filter((s) => matchesSelector(spec.canarySelector, s.labels)).map((s) => s.name);
  const others = inScope.filter((s) => !matchesSelector(spec.canarySelector, s.labels)).map((s) => s.name);
  const waves: WaveStatus[] = [{ name: 'canary', seeds: canaries }];
  let next = 0;
  (spec.batches ?? []).forEach((batch, i) => {
    if (next >= others.length) return;
    const size = Math.max(1, scaledValue(batch, others.length, true, `spec.batches[${i}]`));
    waves.push({ name: `batch-${i + 1}`, seeds: others.slice(next, next + size) });
    next += size;
  });
  if (next < others.length) waves.push({ name: 'rest', seeds: others.slice(next) });
  return waves;
}
