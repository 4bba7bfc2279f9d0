/**
 * What a rollout sees of a shoot, and how it judges it against the target
 * version. Pure: the controller maps watched Shoots to ObservedShoots and the
 * decision module classifies them.
 *
 *   excluded  hibernated, deleting, migrating, or unhealthy before the rollout (baseline)
 *   pending   not yet reconciled by a gardenlet at the target (or reconciling now)
 *   progressing  reconciled, still progressing — tolerated for the bake window after its reconcile
 *   unknown   a condition or the status label says Unknown: the rollout pauses, it does not guess
 *   unhealthy failed/erroring operation at the target, a False condition, the `unhealthy` label,
 *             or still progressing after the bake window. A False condition or label older than
 *             the reconcile (the gardenlet has not re-checked health yet) counts as progressing
 *             during the bake window, and as unhealthy once it outlasts it.
 *   healthy   everything else reconciled at the target
 */
import { SHOOT_STATUS_LABEL, type Shoot } from '@seedbed/gardener-api';

/** Gardener's control-plane migration operations (not in the Create/Reconcile/Delete subset seedbed writes). */
const MIGRATION_OPERATIONS: ReadonlySet<string> = new Set(['Migrate', 'Restore']);

export type ShootHealth = 'excluded' | 'pending' | 'progressing' | 'unknown' | 'unhealthy' | 'healthy';

export interface ObservedShoot {
  /** namespace/name */
  key: string;
  seedName?: string;
  hibernated: boolean;
  deleting: boolean;
  migrating: boolean;
  generation?: number;
  observedGeneration?: number;
  gardenerVersion?: string;
  operation?: { type: string; state: string; at?: number };
  /** `stale`: last updated before the last operation (health not re-checked since the reconcile). */
  conditions: Array<{ type: string; status: string; stale?: boolean }>;
  statusLabel?: string;
}

export function observeShoot(shoot: Shoot): ObservedShoot {
  const op = shoot.status?.lastOperation;
  const at = op?.lastUpdateTime ? Date.parse(op.lastUpdateTime) : undefined;
  return {
    key: `${shoot.metadata.namespace}/${shoot.metadata.name}`,
    seedName: shoot.spec.seedName,
    hibernated: shoot.spec.hibernation?.enabled === true,
    deleting: !!shoot.metadata.deletionTimestamp,
    migrating: (!!shoot.status?.seedName && !!shoot.spec.seedName && shoot.status.seedName !== shoot.spec.seedName) || MIGRATION_OPERATIONS.has(op?.type ?? ''),
    generation: shoot.metadata.generation,
    observedGeneration: shoot.status?.observedGeneration,
    gardenerVersion: shoot.status?.gardener?.version,
    operation: op ? { type: op.type, state: op.state, ...(at !== undefined && !Number.isNaN(at) ? { at } : {}) } : undefined,
    conditions: (shoot.status?.conditions ?? []).map((c) => ({
      type: c.type,
      status: c.status,
      ...(at !== undefined && Date.parse(c.lastUpdateTime) < at ? { stale: true } : {}),
    })),
    statusLabel: shoot.metadata.labels?.[SHOOT_STATUS_LABEL],
  };
}

/** Unhealthy regardless of version: what the baseline records at the start of a rollout. */
export function isUnhealthyNow(shoot: ObservedShoot): boolean {
  return shoot.statusLabel === 'unhealthy' || shoot.operation?.state === 'Failed' || shoot.operation?.state === 'Error' || shoot.conditions.some((c) => c.status === 'False');
}

export function isExcluded(shoot: ObservedShoot, baseline: ReadonlySet<string>): boolean {
  return shoot.hibernated || shoot.deleting || shoot.migrating || baseline.has(shoot.key);
}

export function classifyShoot(shoot: ObservedShoot, target: string, baseline: ReadonlySet<string>, now: number, bakeMs: number): ShootHealth {
  if (isExcluded(shoot, baseline)) return 'excluded';
  const op = shoot.operation;
  if (shoot.gardenerVersion !== target || !op) return 'pending';
  if (op.state === 'Failed' || op.state === 'Error') return 'unhealthy';
  if (op.state === 'Processing') return 'pending';
  if (shoot.generation !== undefined && shoot.observedGeneration !== undefined && shoot.observedGeneration < shoot.generation) return 'pending';
  const baking = op.at === undefined || now - op.at < bakeMs;
  if (shoot.conditions.some((c) => c.status === 'False' && !c.stale)) return 'unhealthy';
  const freshHealth = shoot.conditions.length > 0 && shoot.conditions.every((c) => !c.stale);
  // the label follows the conditions; while they are older than the reconcile, so may the label be
  if (shoot.statusLabel === 'unhealthy' || shoot.conditions.some((c) => c.status === 'False')) return baking && !freshHealth ? 'progressing' : 'unhealthy';
  if (shoot.statusLabel === 'unknown' || shoot.conditions.some((c) => c.status === 'Unknown')) return 'unknown';
  const progressing = shoot.statusLabel === 'progressing' || shoot.statusLabel === undefined || shoot.conditions.length === 0 || shoot.conditions.some((c) => c.status === 'Progressing');
  if (progressing) return baking ? 'progressing' : 'unhealthy';
  return 'healthy';
}
