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

/**
 * Seeds in scope (`scoped`: those matching spec.seedSelector) but in no wave yet (created, or
 * labelled into scope, after the waves were planned) join the canary wave while
 * it is still the current one and they match the canary selector, otherwise the
 * last wave; a `rest` wave is added when the canary wave is the only one. The
 * last wave completes only when the rollout succeeds, so a seed that joins an
 * unfinished rollout is always updated; the caller admits none to a finished
 * one. Mutates `waves`; returns who joined which wave.
 */
export function admitSeeds(spec: RolloutSpec, waves: WaveStatus[], currentWave: number, scoped: readonly ObservedSeed[]): Array<{ seed: string; wave: string }> {
  const planned = new Set(waves.flatMap((w) => w.seeds));
  const fresh = scoped.filter((s) => !planned.has(s.name)).sort((a, b) => a.name.localeCompare(b.name));
  return fresh.map((seed) => {
    let wave = matchesSelector(spec.canarySelector, seed.labels) && currentWave === 0 ? waves[0]! : waves[waves.length - 1]!;
    if (wave === waves[0] && !matchesSelector(spec.canarySelector, seed.labels)) waves.push((wave = { name: 'rest', seeds: [] }));
    wave.seeds.push(seed.name);
    return { seed: seed.name, wave: wave.name };
  });
}
