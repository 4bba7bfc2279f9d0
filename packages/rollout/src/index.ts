export {
  ROLLOUT_GROUP,
  ROLLOUT_VERSION,
  ROLLOUT_API_VERSION,
  ROLLOUT_PLURAL,
  GARDENLET_VERSION_LABEL,
  CANARY_LABEL,
  ACTION_ANNOTATION,
  ROLLOUT_ACTIONS,
  DEFAULT_BAKE_SECONDS,
  DEFAULT_PROGRESS_DEADLINE_SECONDS,
  MAX_NAMED_SHOOTS,
  rolloutPath,
  type Rollout,
  type RolloutSpec,
  type RolloutStatus,
  type RolloutPhase,
  type RolloutCondition,
  type RolloutActionName,
  type SeedStatus,
  type SeedRolloutState,
  type ShootCounts,
  type WaveStatus,
  type IntOrPercent,
  type LabelSelector,
  type LabelSelectorRequirement,
} from './api/types.ts';
export { parseIntOrPercent, scaledValue } from './api/int-or-percent.ts';
export { matchesSelector, formatSelector, parseSelector } from './api/label-selector.ts';
export { rolloutCrd } from './api/rollout-crd.ts';
export { installRolloutApi, ROLLOUT_CRD_TIMEOUT_MS } from './api/install.ts';
export { decide, namedList, type Decision, type ObservedState, type RolloutAction } from './decision/decide.ts';
export { classifyShoot, observeShoot, isUnhealthyNow, isExcluded, type ObservedShoot, type ShootHealth } from './decision/shoot-health.ts';
export { planWaves, type ObservedSeed } from './decision/waves.ts';
export { RolloutController, wallClock, SEED_UPDATE_CONCURRENCY, type RolloutControllerOptions } from './controller/rollout-controller.ts';
export { rolloutCommand, describeRollout, parseCliIntOrPercent } from './cli/rollout-command.ts';
