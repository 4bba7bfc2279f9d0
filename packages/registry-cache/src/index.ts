export { registryCacheCommand, configFromFlags, type ServeFlags } from './cli/registry-cache-command.ts';
export {
  resolveConfig,
  redactConfig,
  DEFAULT_LISTEN,
  DEFAULT_TAG_REVALIDATE_SECONDS,
  DEFAULT_BLOB_TTL_HOURS,
  DEFAULT_MAX_STORAGE_BYTES,
  DEFAULT_MIN_FREE_BYTES,
  DEFAULT_MAX_MANIFEST_BYTES,
  DEFAULT_UPSTREAM_CONNECT_TIMEOUT_MS,
  type RegistryCacheConfig,
  type UpstreamConfig,
  type ConfigLayer,
} from './config/config.ts';
export { readConfigFile, configFromEnv, parseUpstreamPairs, ENV_PREFIX } from './config/config-sources.ts';
export { RegistryCacheServer, type RegistryCacheServerOptions } from './server/registry-cache-server.ts';
export { renderHostsToml, hostsFileEntry, defaultRegistryServer, type HostsTomlOptions, type HostsTomlFile } from './cluster/hosts-toml.ts';
export {
  renderKubernetesManifests,
  renderKubernetesYaml,
  listenAddressFor,
  type KubernetesManifestOptions,
  type IpFamily,
} from './cluster/kubernetes-manifests.ts';
export { UpstreamRouter, normaliseRegistryHost, upstreamRepository } from './upstream/routing.ts';
export { Metrics, METRIC_NAMES } from './metrics/metrics.ts';
export { createJsonLog, silentLog, type JsonLog } from './log/json-log.ts';
export type { BlobSinkFactory } from './storage/blob-sink.ts';
export type { FreeSpaceProbe } from './storage/free-space.ts';
