/**
 * The rollout's decision logic, pure: from the spec, the last status and what
 * the watches show now, the next status and the actions to take. The
 * controller only observes, calls decide, and carries the actions out; every
 * timestamp the logic needs is in the status, so a restarted controller
 * continues exactly where the last one stopped.
 *
 * Order of rules, each evaluated on every call:
 *   1. `rollback` aborts and returns every seed the rollout updated to its previous version
 *      (the rollout stays Aborted, reason RollingBack, until all are back: RolledBack);
 *      an Aborted rollout does nothing else; an `abort` action aborts (seeds keep what they run)
 *   2. a new spec.targetVersion (re)starts: waves are planned, the canary wave begins;
 *      the baseline of already-unhealthy shoots is taken only at the very first start;
 *      seeds that come into scope later join the current canary wave or the last wave,
 *      seeds deleted or out of scope are no longer waited for (Removed)
 *   3. `retry` turns Halted into Progressing (the current wave restarts its deadline and bake)
 *   4. shoots on seeds already at the target are counted; more unhealthy than maxUnhealthy → Halted
 *   5. a lost watch or a shoot of Unknown health → Paused (continues by itself once health is known)
 *   6. spec.paused → Paused
 *   7. the current wave's seeds are updated; once all their shoots are reconciled at the target
 *      the bake window runs; a wave not reconciled within the progress deadline → Halted;
 *      after the bake the next wave starts; after the last one the rollout has Succeeded
 */
import { scaledValue } from '../api/int-or-percent.ts';
import { matchesSelector } from '../api/label-selector.ts';
import {
  DEFAULT_BAKE_SECONDS,
  DEFAULT_PROGRESS_DEADLINE_SECONDS,
  GARDENLET_VERSION_LABEL,
  MAX_NAMED_SHOOTS,
  type RolloutCondition,
  type RolloutPhase,
  type RolloutSpec,
  type RolloutStatus,
  type SeedStatus,
} from '../api/types.ts';
import { classifyShoot, isUnhealthyNow, type ObservedShoot, type ShootHealth } from './shoot-health.ts';
import { recordPreviousVersion, rollbackUpdates, type SeedVersionUpdate } from './rollback.ts';
import { admitSeeds, planWaves, type ObservedSeed } from './waves.ts';

export interface ObservedState {
  seeds: readonly ObservedSeed[];
  shoots: readonly ObservedShoot[];
  /** The controller's watches are current; false after a lost watch until it is re-established. */
  synced: boolean;
  /** The value of the action annotation, if set. */
  action?: string;
}

/** updateSeed sets the seed's gardenlet version label (version null removes it). */
export type RolloutAction = ({ type: 'updateSeed' } & SeedVersionUpdate) | { type: 'consumeAction'; action: string };

export interface Decision {
  status: RolloutStatus;
  actions: RolloutAction[];
  /** Decide again after this long even without events (bake window ends, deadline passes). */
  requeueAfterMs?: number;
}

const iso = (ms: number) => new Date(ms).toISOString();
const time = (value: string | undefined, fallback: number) => (value ? Date.parse(value) : fallback);

export function namedList(keys: readonly string[]): string {
  const shown = keys.slice(0, MAX_NAMED_SHOOTS).join(', ');
  return keys.length > MAX_NAMED_SHOOTS ? `${shown} and ${keys.length - MAX_NAMED_SHOOTS} more` : shown;
}

export function decide(spec: RolloutSpec, current: RolloutStatus | undefined, observed: ObservedState, now: number): Decision {
  const status: RolloutStatus = structuredClone(current ?? {});
  const actions: RolloutAction[] = [];
  const requeue: number[] = [];
  const target = spec.targetVersion;
  const bakeMs = (spec.bakeSeconds ?? DEFAULT_BAKE_SECONDS) * 1000;
  const deadlineMs = (spec.progressDeadlineSeconds ?? DEFAULT_PROGRESS_DEADLINE_SECONDS) * 1000;
  const labelOf = new Map(observed.seeds.map((s) => [s.name, s.labels[GARDENLET_VERSION_LABEL]]));
  const scoped = observed.seeds.filter((s) => matchesSelector(spec.seedSelector, s.labels));
  const inScope = new Set(scoped.map((s) => s.name));
  const finish = (): Decision => {
    if (status.waves) status.seeds = seedStatuses(status.waves, labelOf, inScope, target, status);
    status.conditions = conditions(status, current?.conditions ?? [], observed.synced, now);
    return { status, actions, ...(requeue.length ? { requeueAfterMs: Math.max(0, Math.min(...requeue)) } : {}) };
  };
  const phase = (p: RolloutPhase, reason: string, message: string) => Object.assign(status, { phase: p, reason, message });

  if (observed.action) actions.push({ type: 'consumeAction', action: observed.action });
  // 1. rollback, abort
  if (observed.action === 'rollback' || (status.phase === 'Aborted' && status.reason === 'RollingBack')) {
    const updates = rollbackUpdates(status, labelOf);
    for (const u of updates) actions.push({ type: 'updateSeed', ...u });
    const restored = Object.keys(status.previousVersions ?? {}).length - updates.length;
    if (updates.length) phase('Aborted', 'RollingBack', `rolling back: ${namedList(updates.map((u) => u.seed))} return${updates.length === 1 ? 's' : ''} to ${updates.length === 1 ? 'its' : 'their'} previous version`);
    else phase('Aborted', 'RolledBack', `rolled back: ${restored} seed${restored === 1 ? '' : 's'} run${restored === 1 ? 's' : ''} the version ${restored === 1 ? 'it' : 'they'} ran before`);
    return finish();
  }
  if (status.phase === 'Aborted') return finish();
  if (observed.action === 'abort') {
    phase('Aborted', 'AbortedByUser', 'aborted by the user; every seed keeps the version it runs');
    return finish();
  }
  // 2. (re)start on a new target
  if (status.observedTarget !== target) {
    const first = status.phase === undefined;
    const waves = planWaves(spec, observed.seeds);
    if (first) status.baseline = observed.shoots.filter(isUnhealthyNow).map((s) => s.key).sort();
    Object.assign(status, { observedTarget: target, startedAt: iso(now), currentWave: 0, waves, unhealthyShoots: [] });
    waves[0]!.startedAt = iso(now);
    phase('Progressing', first ? 'Started' : 'TargetChanged', `rolling out ${target}: wave ${waves[0]!.name} first`);
  }
  const waves = status.waves ?? [];
  if (status.phase !== 'Succeeded') admitSeeds(spec, waves, status.currentWave ?? 0, scoped);
  const waveOf = new Map(waves.flatMap((w, i) => w.seeds.map((s) => [s, i] as const)));
  const at = status.currentWave ?? 0;
  const wave = () => waves[status.currentWave ?? 0]!;
  const restartWave = () => {
    wave().startedAt = iso(now);
    delete wave().reconciledAt;
  };
  // 3. retry
  if (observed.action === 'retry' && status.phase === 'Halted') {
    restartWave();
    phase('Progressing', 'Retried', `retrying wave ${wave().name}`);
  }
  // 4. health of the shoots on seeds already at the target
  const baseline = new Set(status.baseline ?? []);
  const health = new Map<string, ShootHealth>();
  const counts = { healthy: 0, unhealthy: 0, excluded: 0, pending: 0, unknown: 0, maxUnhealthy: 0 };
  const unhealthy: string[] = [];
  const unknown: string[] = [];
  for (const shoot of observed.shoots) {
    const w = shoot.seedName === undefined ? undefined : waveOf.get(shoot.seedName);
    if (w === undefined || w > at || labelOf.get(shoot.seedName!) !== target) continue;
    const h = classifyShoot(shoot, target, baseline, now, bakeMs);
    health.set(shoot.key, h);
    if (h === 'progressing' || h === 'pending') counts.pending++;
    else counts[h]++;
    if (h === 'unhealthy') unhealthy.push(shoot.key);
    if (h === 'unknown') unknown.push(shoot.key);
    if (h === 'progressing' && shoot.operation?.at !== undefined) requeue.push(shoot.operation.at + bakeMs - now);
  }
  const evaluated = counts.healthy + counts.unhealthy + counts.pending + counts.unknown;
  counts.maxUnhealthy = scaledValue(spec.maxUnhealthy, evaluated, false, 'spec.maxUnhealthy');
  status.shoots = counts;
  status.unhealthyShoots = unhealthy.sort().slice(0, MAX_NAMED_SHOOTS);
  if (status.phase === 'Halted' || status.phase === 'Succeeded') return finish();
  if (counts.unhealthy > counts.maxUnhealthy) {
    phase('Halted', 'UnhealthyThresholdExceeded',
      `${counts.unhealthy} unhealthy shoot${counts.unhealthy === 1 ? '' : 's'} in wave ${wave().name} exceed${counts.unhealthy === 1 ? 's' : ''} maxUnhealthy ${counts.maxUnhealthy}${typeof spec.maxUnhealthy === 'string' ? ` (${spec.maxUnhealthy} of ${evaluated} evaluated shoots)` : ''}: ${namedList(unhealthy.sort())}`);
    return finish();
  }
  // 5, 6. pause
  const wasPaused = status.phase === 'Paused';
  if (!observed.synced) {
    phase('Paused', 'HealthUnknown', 'lost the watch on shoots or seeds; waiting until it is back');
    return finish();
  }
  if (unknown.length) {
    phase('Paused', 'HealthUnknown', `health of ${unknown.length} shoot${unknown.length === 1 ? ' is' : 's are'} Unknown: ${namedList(unknown.sort())}`);
    return finish();
  }
  if (spec.paused) {
    phase('Paused', 'PausedByUser', `paused in wave ${wave().name}`);
    return finish();
  }
  if (wasPaused) restartWave();
  // 7. waves
  for (;;) {
    const w = wave();
    const stale = w.seeds.filter((s) => inScope.has(s) && labelOf.get(s) !== target);
    for (const seed of stale) {
      recordPreviousVersion(status, seed, labelOf.get(seed));
      actions.push({ type: 'updateSeed', seed, version: target });
    }
    const inWave = new Set(w.seeds);
    const waiting = observed.shoots
      .filter((s) => s.seedName !== undefined && inWave.has(s.seedName))
      .filter((s) => {
        const h = health.get(s.key);
        return h === undefined ? stale.includes(s.seedName!) : h === 'pending' || h === 'progressing';
      })
      .map((s) => s.key)
      .sort();
    if (stale.length || waiting.length) {
      delete w.reconciledAt;
      const deadline = time(w.startedAt, now) + deadlineMs;
      if (now >= deadline) {
        phase('Halted', 'ProgressDeadlineExceeded', `wave ${w.name} was not reconciled within ${deadlineMs / 1000}s: ${namedList(waiting.length ? waiting : stale)}`);
        return finish();
      }
      requeue.push(deadline - now);
      phase('Progressing', 'WaveProgressing', `wave ${w.name}: ${w.seeds.length - stale.length}/${w.seeds.length} seeds at ${target}, ${waiting.length} shoot${waiting.length === 1 ? '' : 's'} to be reconciled`);
      return finish();
    }
    w.reconciledAt ??= iso(now);
    const bakeEnd = time(w.reconciledAt, now) + (w.seeds.length ? bakeMs : 0);
    if (now < bakeEnd) {
      requeue.push(bakeEnd - now);
      phase('Progressing', 'Baking', `wave ${w.name} is baking until ${iso(bakeEnd)}`);
      return finish();
    }
    w.completedAt = iso(now);
    const i = status.currentWave ?? 0;
    if (i >= waves.length - 1) {
      phase('Succeeded', 'AllSeedsUpdated', `every seed runs ${target}`);
      return finish();
    }
    status.currentWave = i + 1;
    wave().startedAt = iso(now);
  }
}

function seedStatuses(waves: NonNullable<RolloutStatus['waves']>, labelOf: Map<string, string | undefined>, inScope: ReadonlySet<string>, target: string, status: RolloutStatus): Record<string, SeedStatus> {
  const at = status.currentWave ?? 0;
  const seeds: Record<string, SeedStatus> = {};
  waves.forEach((w, i) => {
    for (const name of w.seeds) {
      const version = labelOf.get(name);
      const state = !inScope.has(name) ? 'Removed' : i < at || (i === at && status.phase === 'Succeeded') || w.completedAt ? 'Updated' : i === at && version === target ? 'Updating' : 'Waiting';
      seeds[name] = { wave: i, ...(version ? { version } : {}), state };
    }
  });
  return seeds;
}

function conditions(status: RolloutStatus, previous: RolloutCondition[], synced: boolean, now: number): RolloutCondition[] {
  const counts = status.shoots;
  const next: Array<Omit<RolloutCondition, 'lastTransitionTime'>> = [
    {
      type: 'Progressing',
      status: status.phase === 'Progressing' ? 'True' : 'False',
      reason: status.reason ?? 'Unknown',
      message: status.message ?? '',
    },
    !synced || (counts?.unknown ?? 0) > 0
      ? { type: 'ShootsHealthy', status: 'Unknown', reason: 'HealthUnknown', message: 'the health of some shoots is not known' }
      : counts && counts.unhealthy > counts.maxUnhealthy
        ? { type: 'ShootsHealthy', status: 'False', reason: 'UnhealthyThresholdExceeded', message: `${counts.unhealthy} unhealthy, at most ${counts.maxUnhealthy} allowed` }
        : { type: 'ShootsHealthy', status: 'True', reason: 'WithinThreshold', message: `${counts?.unhealthy ?? 0} unhealthy, at most ${counts?.maxUnhealthy ?? 0} allowed` },
  ];
  return next.map((c) => {
    const before = previous.find((p) => p.type === c.type);
    return { ...c, lastTransitionTime: before && before.status === c.status ? before.lastTransitionTime : iso(now) };
  });
}
