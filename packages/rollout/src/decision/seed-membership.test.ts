import { beforeEach, describe, expect, it } from 'vitest';
import { GARDENLET_VERSION_LABEL } from '../api/types.ts';
import { NEW, OLD, World, shoot } from './decide-world.ts';

let w: World;
beforeEach(() => {
  w = new World();
});

const addSeed = (name: string, canary = false) => {
  w.seeds.push({ name, labels: { [GARDENLET_VERSION_LABEL]: OLD, ...(canary ? { canary: 'true' } : {}) } });
  w.shoots.push(shoot(`${name}1`, name, OLD, w.clock.now()));
};

/** Steps, reconciles and lets bake windows pass until the rollout ends (or 20 passes). */
async function runToEnd(): Promise<void> {
  for (let i = 0; i < 20 && w.status?.phase !== 'Succeeded' && w.status?.phase !== 'Halted'; i++) {
    w.step();
    w.reconcile();
    await w.clock.advance(10_000);
  }
}

describe('decide: seeds that appear or disappear mid-rollout', () => {
  it('a canary seed created during the canary wave joins it and is updated with it', () => {
    w.step();
    addSeed('a2', true);
    expect(w.step().actions).toEqual([{ type: 'updateSeed', seed: 'a2', version: NEW }]);
    expect(w.status?.waves?.[0]?.seeds).toEqual(['a', 'a2']);
  });

  it('a non-canary seed created mid-rollout joins the last wave, and the rollout updates it before it succeeds', async () => {
    w.step();
    addSeed('d');
    w.step();
    expect(w.status?.waves?.map((x) => [x.name, x.seeds])).toEqual([['canary', ['a']], ['batch-1', ['b']], ['rest', ['c', 'd']]]);
    expect(w.status?.seeds?.d).toEqual({ wave: 2, version: OLD, state: 'Waiting' });
    await runToEnd();
    expect(w.status?.phase).toBe('Succeeded');
    expect(w.versions()).toEqual({ a: NEW, b: NEW, c: NEW, d: NEW });
  });

  it('a seed that joins the last wave while it bakes is updated, and the bake starts over', async () => {
    await runToEnd();
    w.status!.phase = 'Progressing'; // back to the last wave, baking
    w.status!.waves![2]!.completedAt = undefined;
    w.status!.waves![2]!.reconciledAt = new Date(w.clock.now()).toISOString();
    addSeed('e');
    expect(w.step().actions).toEqual([{ type: 'updateSeed', seed: 'e', version: NEW }]);
    expect(w.status?.waves?.[2]?.reconciledAt).toBeUndefined();
  });

  it('when only the canary wave was planned, a later non-canary seed gets a rest wave', async () => {
    w.seeds = w.seeds.filter((s) => s.name === 'a');
    w.shoots = w.shoots.filter((s) => s.seedName === 'a');
    w.step();
    addSeed('z');
    w.step();
    expect(w.status?.waves?.map((x) => [x.name, x.seeds])).toEqual([['canary', ['a']], ['rest', ['z']]]);
    await runToEnd();
    expect(w.versions()).toEqual({ a: NEW, z: NEW });
  });

  it('a finished rollout takes no new seeds', async () => {
    await runToEnd();
    expect(w.status?.phase).toBe('Succeeded');
    addSeed('late');
    expect(w.step()).toMatchObject({ status: { phase: 'Succeeded' }, actions: [] });
    expect(w.versions().late).toBe(OLD);
  });

  it('a seed deleted or moved out of the selector is no longer waited for and shows as Removed', async () => {
    w.spec.seedSelector = { matchLabels: { fleet: 'x' } };
    for (const s of w.seeds) s.labels.fleet = 'x';
    w.step();
    w.reconcile();
    w.step();
    await w.clock.advance(10_000);
    w.step(); // batch-1 (b) starts
    delete w.seed('b').labels.fleet;
    w.seed('b').labels[GARDENLET_VERSION_LABEL] = OLD;
    w.seeds = w.seeds.filter((s) => s.name !== 'c');
    w.shoots = w.shoots.filter((s) => s.seedName !== 'c');
    await runToEnd();
    expect(w.status?.phase).toBe('Succeeded');
    expect(w.status?.seeds?.b?.state).toBe('Removed');
    expect(w.versions()).toEqual({ a: NEW, b: OLD });
  });
});
