export { Gardenlet, DEFAULT_GARDENLET_VERSION, DEFAULT_RETRIES, OPERATION_ANNOTATION, type GardenletOptions } from './gardenlet.ts';
export { ShootScheduler } from './shoot-scheduler.ts';
export { computeConditions, computeStatusLabel, type HealthObservation, type ShootStatusLabel } from './health/shoot-conditions.ts';
export {
  shootClusterConfig,
  resolveNetworks,
  shootTechnicalId,
  workerNodes,
  FAULT_ANNOTATION,
  FAULT_WORKERS_NEVER_READY,
} from './control-plane/shoot-cluster-config.ts';
export { ShootRuntimeStore } from './control-plane/shoot-runtime.ts';
export { parseRegistryConfig, registryCacheExtension, EXTENSION_TYPE as REGISTRY_CACHE_EXTENSION, type RegistryCache } from './extensions/registry-cache-config.ts';
export { NODE_CONFIG_MAP, cacheHostName, type CacheEndpoint } from './extensions/registry-cache-deployer.ts';
export { faultsForVersion, faultFor, InjectedFaultError, BROKEN_IPV6_VERSION, DEFAULT_FAULT_TASK, VERSION_CATALOG, type GardenletFault } from './faults/version-catalog.ts';
export { InProcessKubeletCerts } from './kubelet-certs/in-process-kubelet-certs.ts';
export type { KubeletCertsRuntime, NodeAgentsSpec } from './kubelet-certs/kubelet-certs-runtime.ts';
export { kubeletServingSetting, KUBELET_SERVING_ANNOTATION, ROTATE_KUBELET_SERVING_OPERATION, type KubeletServingSetting } from './kubelet-certs/kubelet-certs-config.ts';
export { nodeServingCertificates, servingCertificate, servingProblem, certificateStatus, fromCertificateStatus, type NodeServingCertificates, type ServingCertificate, type NodeCertificateStatus } from './kubelet-certs/serving-certificates.ts';
