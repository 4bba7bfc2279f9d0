export {
  parseKindConfig,
  loadKindConfig,
  validateKindConfig,
  KIND_API_VERSION,
  DEFAULT_CLUSTER_NAME,
  type ClusterConfig,
  type ClusterNode,
  type KindIpFamily,
} from './config/kind-config.ts';
export { KIND_CONFIGS_DIR, SHIPPED_CONFIGS, DEFAULT_CONFIG, shippedConfigPath, type ShippedConfig } from './config/kind-configs.ts';
export { parseCidr, containsIp, canonicalIp, overlaps, type Cidr, type IpFamily } from './config/cidr.ts';
export type { ClusterProvider, ClusterInfo, CreateOptions, Availability, ProviderName } from './providers/provider.ts';
export { LocalProvider } from './providers/local/local-provider.ts';
export { StateStore, stateRoot, STATE_DIR_ENV } from './state/state-store.ts';
export { loadKubeConfig, callApi, isStatus as isStatusCode } from './kube/kube-client.ts';
export { KindProvider, KIND_IMAGE_ENV } from './providers/kind/kind-provider.ts';
export { ExistingProvider } from './providers/existing/existing-provider.ts';
export { selectProvider, providerOfCluster, createProvider, parseProviderName, PROVIDER_NAMES, PROVIDER_ENV, DETECTION_ORDER } from './providers/detect.ts';
export { startControlPlane, controlPlaneTasks, nodeReady, type ControlPlane, type ControlPlaneOptions, type ControlPlaneTasks } from './providers/local/control-plane.ts';
export type { Ports } from './providers/local/component-args.ts';
export { createClusterPki, pkiPaths, type ClusterPki, type CertPaths } from './providers/local/cluster-pki.ts';
export { renderKubeconfig } from './providers/local/kubeconfig.ts';
export { processStartTicks, componentAlive, type ComponentRecord } from './state/state-store.ts';
export { nthAddress, formatIp, parseIp } from './config/cidr.ts';
export { restartOnError, RESTART_MIN_MS, RESTART_MAX_MS, type RestartOptions } from './kube/informer-restart.ts';
export { untilWatched } from './kube/watch-until.ts';
export { KubeRaw, resourcePath, FIELD_MANAGER, type KubeObject, type PatchType } from './kube/raw-client.ts';
