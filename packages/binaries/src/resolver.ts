/**
 * Finds the binaries every seedbed component uses, in this order:
 *   1. an explicit directory from SEEDBED_BIN_DIR (must hold every binary asked for);
 *   2. the per-user cache, keyed by tool, version and platform
 *      ($SEEDBED_CACHE_DIR, else $XDG_CACHE_HOME/seedbed, else ~/.cache/seedbed);
 *   3. a build with `go` from the pinned wrapper modules under tools/, into that cache;
 * and otherwise fails with an error listing those three ways.
 */
import { accessSync, constants, existsSync, readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { SeedbedError, commandExists, silentProgress, type Progress } from '@seedbed/core';
import { ALL_BINARIES, TOOLS_DIR, TOOL_MODULES, moduleVersion, type BinaryName, type ToolModule } from './catalog.ts';
import { buildTools } from './build-flow.ts';

export const BIN_DIR_ENV = 'SEEDBED_BIN_DIR';
export const CACHE_DIR_ENV = 'SEEDBED_CACHE_DIR';
export const NO_BUILD_ENV = 'SEEDBED_NO_BUILD';

export interface ResolveOptions {
  names?: readonly BinaryName[];
  env?: NodeJS.ProcessEnv;
  /** Build missing binaries with go (default true unless SEEDBED_NO_BUILD=1). */
  build?: boolean;
  progress?: Progress;
  signal?: AbortSignal;
  toolsDir?: string;
}

export type BinarySource = 'explicit directory' | 'cache' | 'built';

export interface ResolvedBinaries {
  source: BinarySource;
  /** The explicit directory, or the cache root. */
  directory: string;
  path(name: BinaryName): string;
  versions: Readonly<Record<string, string>>;
  describe(): string;
}

export class BinaryNotFoundError extends SeedbedError {
  readonly missing: readonly BinaryName[];
  constructor(missing: readonly BinaryName[], reason: string) {
    super('BINARY_NOT_FOUND', `missing binaries: ${missing.join(', ')} (${reason})`, {
      hint:
        `provide them in one of three ways:\n` +
        `    1. set ${BIN_DIR_ENV}=/path/to/dir holding ${missing.join(', ')}\n` +
        `    2. put them in the per-user cache (see \`seedbed binaries path\`)\n` +
        `    3. install Go ≥ 1.26 and let seedbed build them (\`npm run binaries\`; needs the Go module proxy)`,
    });
    this.missing = missing;
  }
}

export function cacheRoot(env: NodeJS.ProcessEnv = process.env): string {
  if (env[CACHE_DIR_ENV]) return env[CACHE_DIR_ENV];
  const base = env.XDG_CACHE_HOME || join(env.HOME || homedir(), '.cache');
  return join(base, 'seedbed');
}

export function toolCacheDir(tool: ToolModule, version: string, env: NodeJS.ProcessEnv = process.env): string {
  return join(cacheRoot(env), 'bin', `${tool.cacheName ?? tool.dir}-${version}-${process.platform}-${process.arch}`);
}

/** True once any tool of any version was built into the cache on this machine. */
export function hasCachedBinaries(env: NodeJS.ProcessEnv = process.env): boolean {
  const bin = join(cacheRoot(env), 'bin');
  return existsSync(bin) && readdirSync(bin).some((entry) => !entry.includes('.tmp-'));
}

/** Whether `path` is an executable file (missing and not executable are both false). */
export function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function cachedComplete(tool: ToolModule, version: string, env: NodeJS.ProcessEnv): boolean {
  const dir = toolCacheDir(tool, version, env);
  return (Object.keys(tool.binaries) as BinaryName[]).every((n) => executable(join(dir, n)));
}

/** The tool modules (with their pinned versions) a resolve of `names` would build: not all in the cache, no SEEDBED_BIN_DIR. */
export function uncachedTools(
  names: readonly BinaryName[] = ALL_BINARIES,
  env: NodeJS.ProcessEnv = process.env,
  toolsDir = TOOLS_DIR,
): Array<{ tool: ToolModule; version: string }> {
  if (env[BIN_DIR_ENV]) return [];
  return TOOL_MODULES.filter((t) => names.some((n) => t.binaries[n]))
    .map((tool) => ({ tool, version: moduleVersion(tool, toolsDir) }))
    .filter(({ tool, version }) => !cachedComplete(tool, version, env));
}

export async function resolveBinaries(options: ResolveOptions = {}): Promise<ResolvedBinaries> {
  const env = options.env ?? process.env;
  const names = options.names ?? ALL_BINARIES;
  const toolsDir = options.toolsDir ?? TOOLS_DIR;
  const tools = TOOL_MODULES.filter((t) => names.some((n) => t.binaries[n]));
  const versions = Object.fromEntries(tools.map((t) => [t.dir, moduleVersion(t, toolsDir)]));
  const describe = () => Object.entries(versions).map(([k, v]) => `${k} ${v}`).join(', ');

  const explicit = env[BIN_DIR_ENV];
  if (explicit) {
    const missing = names.filter((n) => !executable(join(explicit, n)));
    if (missing.length) throw new BinaryNotFoundError(missing, `not executable in ${BIN_DIR_ENV}=${explicit}`);
    return { source: 'explicit directory', directory: explicit, path: (n) => join(explicit, n), versions, describe };
  }

  const paths = new Map<BinaryName, string>();
  const toBuild = tools.filter((tool) => {
    const dir = toolCacheDir(tool, versions[tool.dir]!, env);
    for (const n of Object.keys(tool.binaries) as BinaryName[]) paths.set(n, join(dir, n));
    return !cachedComplete(tool, versions[tool.dir]!, env);
  });
  const result = (source: BinarySource): ResolvedBinaries => ({
    source,
    directory: cacheRoot(env),
    path: (n) => {
      const p = paths.get(n);
      if (!p) throw new BinaryNotFoundError([n], 'it was not asked for when resolving');
      return p;
    },
    versions,
    describe,
  });
  if (toBuild.length === 0) return result('cache');

  const missing = names.filter((n) => toBuild.some((t) => t.binaries[n]));
  const mayBuild = options.build ?? env[NO_BUILD_ENV] !== '1';
  if (!mayBuild) throw new BinaryNotFoundError(missing, `not in the cache ${cacheRoot(env)} and building is disabled`);
  if (!(await commandExists('go'))) throw new BinaryNotFoundError(missing, 'not in the cache and `go` is not on PATH');
  if (!existsSync(toolsDir)) throw new BinaryNotFoundError(missing, `the wrapper modules in ${toolsDir} are missing`);
  await buildTools({
    builds: toBuild.map((tool) => ({ tool, version: versions[tool.dir]!, targetDir: toolCacheDir(tool, versions[tool.dir]!, env) })),
    toolsDir,
    binDir: join(cacheRoot(env), 'bin'),
    firstRun: !hasCachedBinaries(env),
    progress: options.progress ?? silentProgress,
    signal: options.signal,
  });
  return result('built');
}
