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
  type SeedNetworks,
  type ShootNetworking,
  type Worker,
  type Condition,
  type ConditionStatus,
  type LastOperation,
  type LastOperationType,
  type LastOperationState,
  type LastError,
  type IpFamilyName,
  type ShootConditionType,
} from './types.ts';
export { gardenerCrds } from './crds.ts';
export { shootNetworkPolicy, POLICY_NAME } from './shoot-network-policy.ts';
export { splitCidrs } from './seed-networks.ts';
export { SHOOTS_PATH, SEEDS_PATH, shootPath, seedPath } from './paths.ts';
export {
  DEFAULT_PROJECT,
  DEFAULT_SEED,
  DEFAULT_CLOUD_PROFILE,
  KUBERNETES_VERSION,
  SHOOT_DEFAULTS,
  SEED_NODE_NETWORKS,
  familyName,
  projectObjects,
  cloudProfile,
  seedFor,
} from './local-landscape.ts';
export { installGardenerApi, installLocalLandscape } from './install.ts';
