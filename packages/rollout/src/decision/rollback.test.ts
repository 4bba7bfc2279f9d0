import { beforeEach, describe, expect, it } from 'vitest';
import { GARDENLET_VERSION_LABEL } from '../api/types.ts';
import { NEW, OLD, World } from './decide-world.ts';

let w: World;
beforeEach(() => {
  w = new World();
});

describe('decide: rollback', () => {
  it('returns every seed the rollout updated to its previous version, then reports RolledBack', async () => {
    w.step();
    w.reconcile();
    w.step();
    await w.clock.advance(10_000);
    w.step(); // wave batch-1: b updated
    expect(w.versions()).toEqual({ a: NEW, b: NEW, c: OLD });
    w.action = 'rollback';
    const d = w.step();
    expect(d.actions).toEqual([
      { type: 'consumeAction', action: 'rollback' },
      { type: 'updateSeed', seed: 'a', version: OLD },
      { type: 'updateSeed', seed: 'b', version: OLD },
    ]);
    expect(d.status).toMatchObject({ phase: 'Aborted', reason: 'RollingBack', previousVersions: { a: OLD, b: OLD } });
    expect(w.versions()).toEqual({ a: OLD, b: OLD, c: OLD });
    expect(w.step()).toMatchObject({ status: { phase: 'Aborted', reason: 'RolledBack', message: 'rolled back: 2 seeds run the version they ran before' }, actions: [] });
  });

  it('keeps issuing the updates until the labels are back (a failed patch is retried on the next pass)', () => {
    w.step();
    w.action = 'rollback';
    w.step();
    w.seed('a').labels[GARDENLET_VERSION_LABEL] = NEW; // the patch did not land
    expect(w.step()).toMatchObject({ status: { reason: 'RollingBack' }, actions: [{ type: 'updateSeed', seed: 'a', version: OLD }] });
    expect(w.step().status.reason).toBe('RolledBack');
  });

  it('removes the label again from a seed that had none (its gardenlet returns to the default version)', () => {
    delete w.seed('a').labels[GARDENLET_VERSION_LABEL];
    w.step();
    expect(w.status?.previousVersions).toEqual({ a: '' });
    w.action = 'rollback';
    expect(w.step().actions).toContainEqual({ type: 'updateSeed', seed: 'a', version: null });
    expect(w.versions().a).toBeUndefined();
  });

  it('restores the version from before the first target when the target changed mid-rollout', () => {
    w.step();
    w.reconcile({ a1: 'failed' });
    expect(w.step().status.phase).toBe('Halted');
    w.spec.targetVersion = 'v2.0.1';
    w.step();
    expect(w.versions().a).toBe('v2.0.1');
    w.action = 'rollback';
    expect(w.step().actions).toContainEqual({ type: 'updateSeed', seed: 'a', version: OLD });
  });

  it('skips a seed deleted since, and a plain abort rolls nothing back', () => {
    w.step();
    w.action = 'abort';
    expect(w.step().actions).toEqual([{ type: 'consumeAction', action: 'abort' }]);
    expect(w.versions().a).toBe(NEW);
    w.seeds = w.seeds.filter((s) => s.name !== 'a');
    w.action = 'rollback';
    expect(w.step()).toMatchObject({ status: { phase: 'Aborted', reason: 'RolledBack' }, actions: [{ type: 'consumeAction', action: 'rollback' }] });
  });
});
