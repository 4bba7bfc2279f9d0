/**
 * The Rollout API (rollouts.seedbed.dev/v1alpha1, cluster-scoped): which
 * gardenlet version to roll out, to which seeds in which waves, and when to
 * stop. All progress lives in the status, so a restarted controller resumes
 * exactly where it was.
 */
export const ROLLOUT_GROUP = 'rollouts.seedbed.dev';
export const ROLLOUT_VERSION = 'v1alpha1';
export const ROLLOUT_API_VERSION = `${ROLLOUT_GROUP}/${ROLLOUT_VERSION}`;
export const ROLLOUT_PLURAL = 'rollouts';

/** The Seed label naming the gardenlet version the seed should run (the landscape's gardenlet manager follows it). */
export const GARDENLET_VERSION_LABEL = 'seedbed.dev/gardenlet-version';
/** The conventional label marking canary seeds (any selector works; this is what the CLI defaults to). */
export const CANARY_LABEL = 'seedbed.dev/canary';
/**
 * One-shot user actions, consumed (removed) by the controller: `abort` (seeds keep what they run),
 * `rollback` (abort, and return every seed this Rollout updated to the version it ran before), or `retry`.
 */
export const ACTION_ANNOTATION = 'rollouts.seedbed.dev/action';
export const ROLLOUT_ACTIONS = ['abort', 'rollback', 'retry'] as const;
export type RolloutActionName = (typeof ROLLOUT_ACTIONS)[number];

export const DEFAULT_BAKE_SECONDS = 60;
export const DEFAULT_PROGRESS_DEADLINE_SECONDS = 600;
/** How many shoot names a status message lists before "and N more". */
export const MAX_NAMED_SHOOTS = 10;

export type IntOrPercent = number | string;

export interface LabelSelectorRequirement {
  key: string;
  operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
  values?: string[];
}

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: LabelSelectorRequirement[];
}

export interface RolloutSpec {
  /** The gardenlet version every selected seed should end up running. */
  targetVersion: string;
  /** Seeds taking part; all seeds when unset. */
  seedSelector?: LabelSelector;
  /** The canary seeds: the first wave. */
  canarySelector: LabelSelector;
  /** Waves after the canaries, each a count or a percentage (rounded up, at least 1) of the non-canary seeds; the seeds left form the last wave. */
  batches?: IntOrPercent[];
  /**
   * The rollout halts when more shoots than this are unhealthy (Cluster API's
   * maxUnhealthy): a count, or "N%" of the evaluated shoots rounded down.
   * Reaching it exactly is still fine; exceeding it halts. 0 halts on the first unhealthy shoot.
   */
  maxUnhealthy: IntOrPercent;
  /** How long each wave's shoots must stay healthy after they were all reconciled. */
  bakeSeconds?: number;
  /** How long a wave may take to get all its shoots reconciled before the rollout halts. */
  progressDeadlineSeconds?: number;
  paused?: boolean;
}

export type RolloutPhase = 'Progressing' | 'Paused' | 'Halted' | 'Succeeded' | 'Aborted';
/** Removed: the seed was deleted, or no longer matches spec.seedSelector; the rollout no longer waits for it. */
export type SeedRolloutState = 'Waiting' | 'Updating' | 'Updated' | 'Removed';

export interface WaveStatus {
  name: string;
  seeds: string[];
  startedAt?: string;
  /** When every shoot of the wave was first seen reconciled at the target; the bake window starts here. */
  reconciledAt?: string;
  completedAt?: string;
}

export interface SeedStatus {
  wave: number;
  /** The version the seed's label names. */
  version?: string;
  state: SeedRolloutState;
}

export interface ShootCounts {
  healthy: number;
  unhealthy: number;
  excluded: number;
  pending: number;
  unknown: number;
  /** The resolved threshold for the evaluated shoots. */
  maxUnhealthy: number;
}

export interface RolloutCondition {
  type: 'Progressing' | 'ShootsHealthy';
  status: 'True' | 'False' | 'Unknown';
  reason: string;
  message: string;
  lastTransitionTime: string;
}

export interface RolloutStatus {
  phase?: RolloutPhase;
  /** The target the waves and timestamps below belong to; a different spec.targetVersion restarts the evaluation. */
  observedTarget?: string;
  reason?: string;
  message?: string;
  startedAt?: string;
  currentWave?: number;
  waves?: WaveStatus[];
  seeds?: Record<string, SeedStatus>;
  /** Shoots (namespace/name) unhealthy before the rollout started: they do not count. */
  baseline?: string[];
  /**
   * The version label each seed had before this Rollout first changed it ("" = none: the seed ran the
   * landscape's default gardenlet version). A `rollback` restores these.
   */
  previousVersions?: Record<string, string>;
  shoots?: ShootCounts;
  unhealthyShoots?: string[];
  conditions?: RolloutCondition[];
}

export interface Rollout {
  apiVersion: typeof ROLLOUT_API_VERSION;
  kind: 'Rollout';
  metadata: {
    name: string;
    uid?: string;
    generation?: number;
    resourceVersion?: string;
    annotations?: Record<string, string>;
    labels?: Record<string, string>;
  };
  spec: RolloutSpec;
  status?: RolloutStatus;
}

export function rolloutPath(name?: string): string {
  return `/apis/${ROLLOUT_GROUP}/${ROLLOUT_VERSION}/${ROLLOUT_PLURAL}${name ? `/${name}` : ''}`;
}
