import { beforeEach, describe, expect, it } from 'vitest';
import type { RolloutStatus } from '../api/types.ts';
import { NEW, OLD, World, shoot } from './decide-world.ts';

let w: World;
beforeEach(() => {
  w = new World();
});

describe('decide: waves', () => {
  it('starts with the canary seeds only and plans canary → batch → rest', () => {
    const d = w.step();
    expect(d.actions).toEqual([{ type: 'updateSeed', seed: 'a', version: NEW }]);
    expect(w.status?.phase).toBe('Progressing');
    expect(w.status?.waves?.map((x) => [x.name, x.seeds])).toEqual([['canary', ['a']], ['batch-1', ['b']], ['rest', ['c']]]);
    expect(w.versions()).toEqual({ a: NEW, b: OLD, c: OLD });
  });

  it('waits for the canary shoots to be reconciled, then bakes, then goes on; never early', async () => {
    w.step();
    expect(w.step().status.reason).toBe('WaveProgressing');
    w.reconcile();
    const baking = w.step();
    expect(baking.status.reason).toBe('Baking');
    expect(baking.requeueAfterMs).toBe(10_000);
    await w.clock.advance(9_999);
    expect(w.step().actions).toEqual([]);
    expect(w.versions().b).toBe(OLD);
    await w.clock.advance(1);
    expect(w.step().actions).toEqual([{ type: 'updateSeed', seed: 'b', version: NEW }]);
    expect(w.status?.currentWave).toBe(1);
    expect(w.status?.seeds?.a).toEqual({ wave: 0, version: NEW, state: 'Updated' });
  });

  it('succeeds when every wave has baked, with every seed updated and every shoot healthy', async () => {
    for (let i = 0; i < 20 && w.status?.phase !== 'Succeeded'; i++) {
      w.step();
      w.reconcile();
      await w.clock.advance(10_000);
    }
    expect(w.status?.phase).toBe('Succeeded');
    expect(w.versions()).toEqual({ a: NEW, b: NEW, c: NEW });
    expect(w.status?.shoots).toMatchObject({ healthy: 6, unhealthy: 0, pending: 0 });
    expect(Object.values(w.status?.seeds ?? {}).every((s) => s.state === 'Updated')).toBe(true);
  });

  it('resumes exactly where it was from the status alone (a restarted controller)', async () => {
    w.step();
    w.reconcile();
    w.step();
    await w.clock.advance(4_000);
    const saved = JSON.parse(JSON.stringify(w.status)) as RolloutStatus;
    // a new controller sees only the persisted status: the bake keeps its start, it does not restart
    w.status = saved;
    await w.clock.advance(6_000);
    expect(w.step().actions).toEqual([{ type: 'updateSeed', seed: 'b', version: NEW }]);
  });
});

describe('decide: the unhealthy threshold', () => {
  beforeEach(() => {
    w.spec.maxUnhealthy = 1;
    w.step();
  });

  it('reaching maxUnhealthy exactly is still fine', () => {
    w.reconcile({ a1: 'unhealthy' });
    const d = w.step();
    expect(d.status.phase).toBe('Progressing');
    expect(d.status.shoots).toMatchObject({ unhealthy: 1, healthy: 1, maxUnhealthy: 1 });
  });

  it('exceeding it halts with a reason naming the shoots, and no further seed is updated', async () => {
    w.reconcile({ a1: 'unhealthy', a2: 'failed' });
    const d = w.step();
    expect(d.status.phase).toBe('Halted');
    expect(d.status.reason).toBe('UnhealthyThresholdExceeded');
    expect(d.status.message).toContain('garden-local/a1, garden-local/a2');
    expect(d.status.unhealthyShoots).toEqual(['garden-local/a1', 'garden-local/a2']);
    expect(d.status.conditions?.find((c) => c.type === 'ShootsHealthy')?.status).toBe('False');
    await w.clock.advance(60_000);
    expect(w.step().actions).toEqual([]);
    expect(w.versions()).toEqual({ a: NEW, b: OLD, c: OLD });
  });

  it('a percentage is of the evaluated shoots, rounded down', () => {
    // 2 evaluated canary shoots: 50% → 1 allowed; 49% → 0 allowed
    w.spec.maxUnhealthy = '50%';
    w.reconcile({ a1: 'unhealthy' });
    expect(w.step().status).toMatchObject({ phase: 'Progressing', shoots: { maxUnhealthy: 1 } });
    w.spec.maxUnhealthy = '49%';
    expect(w.step().status).toMatchObject({ phase: 'Halted', shoots: { maxUnhealthy: 0 } });
  });

  it('shoots unhealthy before the rollout started do not count (baseline)', () => {
    const fresh = new World();
    fresh.spec.maxUnhealthy = 0;
    Object.assign(fresh.shoot('a1'), { statusLabel: 'unhealthy', conditions: [{ type: 'EveryNodeReady', status: 'False' }] });
    fresh.step();
    expect(fresh.status?.baseline).toEqual(['garden-local/a1']);
    fresh.reconcile({ a1: 'unhealthy' });
    expect(fresh.step().status).toMatchObject({ phase: 'Progressing', shoots: { unhealthy: 0, excluded: 1, healthy: 1 } });
  });

  it('hibernated, deleting and migrating shoots are excluded', () => {
    w.spec.maxUnhealthy = 0;
    w.reconcile({ a1: 'unhealthy', a2: 'unhealthy' });
    w.shoot('a1').hibernated = true;
    w.shoot('a2').deleting = true;
    expect(w.step().status).toMatchObject({ phase: 'Progressing', shoots: { excluded: 2, unhealthy: 0 } });
    w.shoot('a2').deleting = false;
    w.shoot('a2').migrating = true;
    expect(w.step().status.phase).toBe('Progressing');
  });

  it('shoots on seeds not yet updated are not evaluated', () => {
    w.spec.maxUnhealthy = 0;
    Object.assign(w.shoot('b1'), { statusLabel: 'unhealthy', conditions: [{ type: 'EveryNodeReady', status: 'False' }] });
    w.reconcile();
    expect(w.step().status).toMatchObject({ phase: 'Progressing', shoots: { healthy: 2, unhealthy: 0 } });
  });
});

describe('decide: progressing, unknown and lost watches', () => {
  it('a shoot Progressing right after its reconcile is not unhealthy during the bake window, but is after it', async () => {
    w.step();
    w.reconcile({ a1: 'progressing' });
    expect(w.step().status).toMatchObject({ phase: 'Progressing', shoots: { unhealthy: 0, pending: 1 } });
    await w.clock.advance(9_000);
    expect(w.step().status.phase).toBe('Progressing');
    await w.clock.advance(1_000);
    expect(w.step().status).toMatchObject({ phase: 'Halted', reason: 'UnhealthyThresholdExceeded' });
  });

  it('Unknown health pauses instead of continuing, and continues once health is known', async () => {
    w.step();
    w.reconcile({ a1: 'unknown' });
    await w.clock.advance(30_000);
    const d = w.step();
    expect(d.status).toMatchObject({ phase: 'Paused', reason: 'HealthUnknown' });
    expect(d.status.message).toContain('garden-local/a1');
    expect(d.actions).toEqual([]);
    w.shoot('a1').conditions = [{ type: 'SystemComponentsHealthy', status: 'True' }];
    w.shoot('a1').statusLabel = 'healthy';
    expect(w.step().status).toMatchObject({ phase: 'Progressing', reason: 'Baking' });
  });

  it('a lost watch pauses with no seed updates', () => {
    w.synced = false;
    const d = w.step();
    expect(d.status).toMatchObject({ phase: 'Paused', reason: 'HealthUnknown' });
    expect(d.actions).toEqual([]);
    expect(d.status.conditions?.find((c) => c.type === 'ShootsHealthy')?.status).toBe('Unknown');
  });

  it('misses the progress deadline → Halted naming the shoots not reconciled', async () => {
    w.step();
    await w.clock.advance(59_999);
    expect(w.step().status.phase).toBe('Progressing');
    await w.clock.advance(1);
    expect(w.step().status).toMatchObject({ phase: 'Halted', reason: 'ProgressDeadlineExceeded' });
    expect(w.status?.message).toContain('garden-local/a1, garden-local/a2');
  });
});

describe('decide: pause, resume, abort, retry, new target', () => {
  it('spec.paused holds the rollout; clearing it resumes', async () => {
    w.step();
    w.reconcile();
    w.spec.paused = true;
    await w.clock.advance(20_000);
    expect(w.step()).toMatchObject({ status: { phase: 'Paused', reason: 'PausedByUser' }, actions: [] });
    w.spec.paused = false;
    expect(w.step().status.reason).toBe('Baking');
    await w.clock.advance(10_000);
    expect(w.step().actions).toEqual([{ type: 'updateSeed', seed: 'b', version: NEW }]);
  });

  it('abort stops for good and consumes the action', () => {
    w.step();
    w.action = 'abort';
    const d = w.step();
    expect(d.status).toMatchObject({ phase: 'Aborted', reason: 'AbortedByUser' });
    expect(d.actions).toEqual([{ type: 'consumeAction', action: 'abort' }]);
    w.reconcile();
    w.spec.targetVersion = 'v3.0.0';
    expect(w.step()).toMatchObject({ status: { phase: 'Aborted' }, actions: [] });
  });

  it('retry re-evaluates a halted rollout: halts again while still unhealthy, continues once fixed', () => {
    w.step();
    w.reconcile({ a1: 'failed' });
    expect(w.step().status.phase).toBe('Halted');
    w.action = 'retry';
    expect(w.step().status.phase).toBe('Halted');
    Object.assign(w.shoot('a1'), shoot('a1', 'a', NEW, w.clock.now()));
    expect(w.step().status.phase).toBe('Halted');
    w.action = 'retry';
    expect(w.step().status).toMatchObject({ phase: 'Progressing', reason: 'Baking' });
  });

  it('a new target mid-rollout restarts at the canaries and keeps the original baseline', () => {
    w.step();
    w.reconcile({ a1: 'failed' });
    expect(w.step().status.phase).toBe('Halted');
    w.spec.targetVersion = 'v2.0.1';
    const d = w.step();
    expect(d.status).toMatchObject({ phase: 'Progressing', reason: 'WaveProgressing', observedTarget: 'v2.0.1', currentWave: 0, baseline: [] });
    expect(d.actions).toEqual([{ type: 'updateSeed', seed: 'a', version: 'v2.0.1' }]);
    // the broken shoot awaits its reconcile at the new target: pending, not unhealthy
    expect(w.step().status.shoots).toMatchObject({ unhealthy: 0, pending: 2 });
    w.reconcile();
    expect(w.step().status.reason).toBe('Baking');
  });
});

describe('decide: health written before the reconcile', () => {
  it('a stale unhealthy label or False condition older than the reconcile is progressing during the bake window, unhealthy after it', async () => {
    w.step();
    w.reconcile();
    Object.assign(w.shoot('a1'), { statusLabel: 'unhealthy', conditions: [{ type: 'SystemComponentsHealthy', status: 'False', stale: true }] });
    expect(w.step().status).toMatchObject({ phase: 'Progressing', shoots: { unhealthy: 0, pending: 1 } });
    await w.clock.advance(10_000);
    expect(w.step().status).toMatchObject({ phase: 'Halted', reason: 'UnhealthyThresholdExceeded' });
  });

  it('a fresh False condition counts at once', () => {
    w.step();
    w.reconcile();
    Object.assign(w.shoot('a1'), { conditions: [{ type: 'SystemComponentsHealthy', status: 'False' }] });
    expect(w.step().status.phase).toBe('Halted');
  });
});
