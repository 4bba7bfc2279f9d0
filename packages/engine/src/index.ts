export { ensureEngine, detectEngine, engineEnv, runDocker, useEngineForTestcontainers, DOCKER_IO_CLI, type Engine, type EngineOptions, type EngineDetection } from './engine.ts';
export { importBinaryImage, imageExists, type BinaryImage } from './image/binary-image.ts';
export { canRunPrivileged, requirePrivileged, type PrivilegedResult } from './privileged/privileged-probe.ts';
export {
  startOwnedDockerd,
  stopOwnedDockerd,
  ownedDockerdState,
  findDockerd,
  engineCanExist,
  capDropNeed,
  dockerdLogTail,
  CAPDROP_RUNTIME,
  BRIDGE_IP,
  DOCKER_IO_HINT,
  type OwnedDockerdRecord,
  type OwnedDockerdState,
  type CapDropState,
} from './dockerd/owned-dockerd.ts';
export { enginePaths, type EnginePaths } from './dockerd/engine-paths.ts';
export { leaseEngine, type EngineLease } from './dockerd/engine-lease.ts';
export { withEngineLock } from './dockerd/engine-lock.ts';
export { hostCapabilities, missingCapabilities, type HostCapabilities } from './capabilities/host-capabilities.ts';
export { probeRuntime, type RuntimeProbe } from './runtime/runtime-probe.ts';
