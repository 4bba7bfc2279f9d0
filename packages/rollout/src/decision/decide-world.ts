/**
 * A small world for decide's tests: seeds carry version labels, shoots are
 * reconciled by "gardenlets" on demand, time is a FakeClock.
 */
import { FakeClock } from '@seedbed/core';
import { GARDENLET_VERSION_LABEL, type RolloutSpec, type RolloutStatus } from '../api/types.ts';
import { decide, type Decision, type ObservedState } from './decide.ts';
import type { ObservedShoot } from './shoot-health.ts';
import type { ObservedSeed } from './waves.ts';

export const OLD = 'v1.0.0';
export const NEW = 'v2.0.0';

/** A small world the tests drive: seeds carry version labels, shoots are reconciled by "gardenlets" on demand. */
export class World {
  readonly clock = new FakeClock();
  seeds: ObservedSeed[] = [];
  shoots: ObservedShoot[] = [];
  synced = true;
  action?: string;
  status?: RolloutStatus;
  spec: RolloutSpec = { targetVersion: NEW, canarySelector: { matchLabels: { canary: 'true' } }, batches: [1], maxUnhealthy: 0, bakeSeconds: 10, progressDeadlineSeconds: 60 };

  constructor() {
    for (const [name, canary] of [['a', true], ['b', false], ['c', false]] as const) {
      this.seeds.push({ name, labels: { [GARDENLET_VERSION_LABEL]: OLD, ...(canary ? { canary: 'true' } : {}) } });
      for (const n of [1, 2]) this.shoots.push(shoot(`${name}${n}`, name, OLD, this.clock.now()));
    }
  }

  /** One controller pass: decide, then carry out seed updates; the status goes through JSON as it would through the API server. */
  step(): Decision {
    const observed: ObservedState = { seeds: structuredClone(this.seeds), shoots: structuredClone(this.shoots), synced: this.synced, ...(this.action ? { action: this.action } : {}) };
    const d = decide(this.spec, this.status, observed, this.clock.now());
    this.status = JSON.parse(JSON.stringify(d.status)) as RolloutStatus;
    for (const a of d.actions) {
      if (a.type === 'updateSeed') {
        if (a.version === null) delete this.seed(a.seed).labels[GARDENLET_VERSION_LABEL];
        else this.seed(a.seed).labels[GARDENLET_VERSION_LABEL] = a.version;
      }
      if (a.type === 'consumeAction') this.action = undefined;
    }
    return d;
  }

  seed(name: string): ObservedSeed {
    return this.seeds.find((s) => s.name === name)!;
  }

  shoot(name: string): ObservedShoot {
    return this.shoots.find((s) => s.key === `garden-local/${name}`)!;
  }

  /** The gardenlets of updated seeds reconcile their shoots (healthy unless told otherwise). */
  reconcile(health: Partial<Record<string, 'unhealthy' | 'progressing' | 'unknown' | 'failed'>> = {}): void {
    for (const s of this.shoots) {
      const version = this.seed(s.seedName!).labels[GARDENLET_VERSION_LABEL]!;
      if (s.gardenerVersion === version) continue;
      Object.assign(s, shoot(s.key.split('/')[1]!, s.seedName!, version, this.clock.now(), health[s.key.split('/')[1]!]));
    }
  }

  versions(): Record<string, string | undefined> {
    return Object.fromEntries(this.seeds.map((s) => [s.name, s.labels[GARDENLET_VERSION_LABEL]]));
  }
}

export function shoot(name: string, seedName: string, version: string, at: number, health?: 'unhealthy' | 'progressing' | 'unknown' | 'failed'): ObservedShoot {
  const status = health === 'unhealthy' ? 'False' : health === 'progressing' ? 'Progressing' : health === 'unknown' ? 'Unknown' : 'True';
  return {
    key: `garden-local/${name}`,
    seedName,
    hibernated: false,
    deleting: false,
    migrating: false,
    generation: 1,
    observedGeneration: 1,
    gardenerVersion: version,
    operation: { type: 'Reconcile', state: health === 'failed' ? 'Failed' : 'Succeeded', at },
    conditions: [{ type: 'APIServerAvailable', status: 'True' }, { type: 'SystemComponentsHealthy', status }],
    statusLabel: health === 'failed' ? 'unhealthy' : (health ?? 'healthy'),
  };
}

