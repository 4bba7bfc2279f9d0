import { describe, expect, it } from 'vitest';
import type { Shoot } from '@seedbed/gardener-api';
import { observeShoot } from './shoot-health.ts';

const shoot = (extra: { status?: Record<string, unknown>; spec?: Record<string, unknown>; metadata?: Record<string, unknown> }) =>
  ({
    metadata: { name: 's', namespace: 'garden-local', generation: 2, labels: { 'shoot.gardener.cloud/status': 'healthy' }, ...extra.metadata },
    spec: { seedName: 'a', provider: { type: 'local' }, ...extra.spec },
    status: extra.status,
  }) as unknown as Shoot;

describe('observeShoot', () => {
  it('reads version, operation, label and marks conditions older than the operation stale', () => {
    const o = observeShoot(shoot({
      status: {
        gardener: { version: 'v2' },
        observedGeneration: 2,
        lastOperation: { type: 'Reconcile', state: 'Succeeded', progress: 100, description: '', lastUpdateTime: '2026-01-01T00:00:10Z' },
        conditions: [
          { type: 'A', status: 'True', lastUpdateTime: '2026-01-01T00:00:05Z' },
          { type: 'B', status: 'True', lastUpdateTime: '2026-01-01T00:00:11Z' },
        ],
      },
    }));
    expect(o).toMatchObject({ key: 'garden-local/s', seedName: 'a', gardenerVersion: 'v2', statusLabel: 'healthy', generation: 2, observedGeneration: 2 });
    expect(o.operation).toEqual({ type: 'Reconcile', state: 'Succeeded', at: Date.parse('2026-01-01T00:00:10Z') });
    expect(o.conditions).toEqual([{ type: 'A', status: 'True', stale: true }, { type: 'B', status: 'True' }]);
  });

  it('recognizes hibernated, deleting and migrating shoots', () => {
    expect(observeShoot(shoot({ spec: { hibernation: { enabled: true } } })).hibernated).toBe(true);
    expect(observeShoot(shoot({ metadata: { deletionTimestamp: '2026-01-01T00:00:00Z' } })).deleting).toBe(true);
    expect(observeShoot(shoot({ status: { seedName: 'b' } })).migrating).toBe(true);
    expect(observeShoot(shoot({ status: { lastOperation: { type: 'Migrate', state: 'Processing' } } })).migrating).toBe(true);
    expect(observeShoot(shoot({ status: { seedName: 'a' } })).migrating).toBe(false);
  });
});
