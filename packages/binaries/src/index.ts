export {
  resolveBinaries,
  uncachedTools,
  hasCachedBinaries,
  executable,
  cacheRoot,
  toolCacheDir,
  BinaryNotFoundError,
  BIN_DIR_ENV,
  CACHE_DIR_ENV,
  NO_BUILD_ENV,
  type ResolveOptions,
  type ResolvedBinaries,
  type BinarySource,
} from './resolver.ts';
export { ALL_BINARIES, LOCAL_CLUSTER_BINARIES, NODE_IMAGE_BINARIES, TOOL_MODULES, moduleVersion, type BinaryName, type ToolModule } from './catalog.ts';
export { buildTools, type ToolBuild, type BuildToolsOptions } from './build-flow.ts';
