export {
  GROUP,
  VERSION,
  API_VERSION,
  SHOOT_STATUS_LABEL,
  SHOOT_FINALIZER,
  CONDITION_TYPES,
  technicalId,
  projectOfNamespace,
  type Shoot,
  type Seed,
  type Condition,
  type ConditionStatus,
  type LastOperation,
  type LastOperationType,
  type LastOperationState,
  type LastError,
  type IpFamilyName,
  type ShootConditionType,
} from './types.ts';
export { splitCidrs } from './seed-networks.ts';
export { SHOOTS_PATH, SEEDS_PATH, shootPath, seedPath } from './paths.ts';
export {
  DEFAULT_SEED,
  DEFAULT_CLOUD_PROFILE,
  SHOOT_DEFAULTS,
  seedFor,
} from './local-landscape.ts';
export { installGardenerApi, installLocalLandscape } from './install.ts';
