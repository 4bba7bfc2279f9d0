/**
 * The container engine seedbed's kind clusters and container tests run on,
 * chosen by ordered detection:
 *   1. Docker, then Podman, through testcontainers' runtime detection
 *      (DOCKER_HOST, ~/.testcontainers.properties, the default sockets);
 *   2. the dockerd seedbed started earlier (`seedbed engine up`);
 *   3. with `start`, a new seedbed-owned dockerd where Debian's docker.io is installed.
 * A user's own engine is used as it is, never reconfigured.
 */
import { existsSync } from 'node:fs';
import { mkdir, readlink, rm, symlink } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { SeedbedError, commandExists, runCommand, silentProgress, type Progress, type RunOptions, type RunResult } from '@seedbed/core';
import { dockerGet } from './dockerd/docker-api.ts';
import { enginePaths, type EnginePaths } from './dockerd/engine-paths.ts';
import { DOCKER_IO_HINT, findDockerd, ownedDockerdState, startOwnedDockerd, type OwnedDockerdRecord } from './dockerd/owned-dockerd.ts';
import { probeRuntime } from './runtime/runtime-probe.ts';

/**
 * docker.io's own client, for seedbed's dockerd: the same release (20.10.24)
 * as the daemon. A newer client on PATH (here /usr/local/bin/docker 28.2)
 * also talks to it by negotiating API 1.41, but the matched pair is the one
 * Debian ships and tests, so kind and seedbed use that.
 */
export const DOCKER_IO_CLI = '/usr/bin/docker';

export interface Engine {
  /** The DOCKER_HOST value that reaches it. */
  dockerHost: string;
  /** seedbed started this dockerd (`seedbed engine up`) and stops it (`seedbed engine down`). */
  owned: boolean;
  /** The capability-dropping OCI runtime is this engine's default runtime. */
  capDrop: boolean;
  /** Why it is, or is not, registered. */
  capDropReason: string;
  flavour: 'docker' | 'podman';
  serverVersion: string;
  /** The docker CLI seedbed (and kind, through engineEnv's PATH) runs against it. */
  dockerCli: string;
  /** Where the `docker` link to dockerCli lives, first on engineEnv's PATH (owned engines only). */
  binDir?: string;
  describe(): string;
}

export interface EngineOptions {
  /** Start seedbed's own dockerd when nothing runs (default false: detect only). */
  start?: boolean;
  progress?: Progress;
  signal?: AbortSignal;
  paths?: EnginePaths;
  env?: NodeJS.ProcessEnv;
  /** Where to look for dockerd (default DOCKERD_CANDIDATES). */
  dockerdCandidates?: readonly string[];
  /** Recorded as who started seedbed's dockerd (see engine-lease.ts). */
  startedBy?: string;
  /** The caller holds the engine lock. */
  locked?: boolean;
  /** Start seedbed's dockerd without bridge and iptables (a second one next to a running one, in tests). */
  isolated?: boolean;
}

export interface EngineDetection {
  engine?: Engine;
  /** Each place looked at, and what was found there. */
  tried: string[];
}

async function ownedEngine(record: OwnedDockerdRecord, paths: EnginePaths): Promise<Engine> {
  const dockerCli = existsSync(DOCKER_IO_CLI) ? DOCKER_IO_CLI : 'docker';
  await linkCli(paths.binDir, dockerCli);
  const serverVersion = await dockerGet(paths.socket, '/version')
    .then((r) => (JSON.parse(r.body) as { Version?: string }).Version ?? 'unknown')
    .catch(() => 'unknown'); // it answered _ping a moment ago; a version is only for display
  const dockerHost = `unix://${paths.socket}`;
  return {
    dockerHost,
    owned: true,
    capDrop: record.capDrop.registered,
    capDropReason: record.capDrop.reason,
    flavour: 'docker',
    serverVersion,
    dockerCli,
    binDir: paths.binDir,
    describe: () =>
      `seedbed's own dockerd (pid ${record.pid}) at ${dockerHost}, CLI ${dockerCli}; ` +
      (record.capDrop.registered ? `capability-dropping runtime registered: ${record.capDrop.reason}` : `stock runc: ${record.capDrop.reason}`),
  };
}

/** Puts a `docker` link to the chosen CLI in binDir (replacing a link to another one). */
async function linkCli(binDir: string, dockerCli: string): Promise<void> {
  const link = join(binDir, 'docker');
  await mkdir(binDir, { recursive: true });
  const current = await readlink(link).catch(() => undefined);
  if (current === dockerCli) return;
  await rm(link, { force: true });
  if (dockerCli !== 'docker') await symlink(dockerCli, link);
}

/** Looks for an engine without starting one. */
export async function detectEngine(options: EngineOptions = {}): Promise<EngineDetection> {
  const paths = options.paths ?? enginePaths();
  const env = options.env ?? process.env;
  const tried: string[] = [];
  const ownedHost = `unix://${paths.socket}`;
  const probe = await probeRuntime(env);
  if (probe.ok && probe.dockerHost !== ownedHost) {
    const dockerCli = probe.flavour === 'podman' && !(await commandExists('docker')) ? 'podman' : 'docker';
    const capDropReason = 'not registered: a Docker or Podman seedbed did not start is never reconfigured';
    return {
      engine: {
        dockerHost: probe.dockerHost!,
        owned: false,
        capDrop: false,
        capDropReason,
        flavour: probe.flavour ?? 'docker',
        serverVersion: probe.serverVersion ?? 'unknown',
        dockerCli,
        describe: () => `${probe.detail}, CLI ${dockerCli} from PATH`,
      },
      tried: [`testcontainers' runtime detection: ${probe.detail}`],
    };
  }
  tried.push(`Docker/Podman (testcontainers' runtime detection): ${probe.ok ? 'only seedbed\'s own dockerd' : probe.detail}`);
  const owned = await ownedDockerdState(paths);
  if (owned.state === 'running') return { engine: await ownedEngine(owned.record, paths), tried };
  tried.push(`seedbed's own dockerd (${paths.root}): ${owned.state === 'stale' ? `stale, ${owned.detail}` : 'not running'}`);
  return { tried };
}

/** The engine to use; with `start`, starts seedbed's own dockerd where none runs and docker.io is installed. */
export async function ensureEngine(options: EngineOptions = {}): Promise<Engine> {
  const paths = options.paths ?? enginePaths();
  const detection = await detectEngine({ ...options, paths });
  if (detection.engine) return detection.engine;
  if (!findDockerd(options.dockerdCandidates)) {
    throw new SeedbedError('NO_ENGINE', `no container engine, and Debian's docker.io is not installed:\n  ${detection.tried.join('\n  ')}`, { hint: DOCKER_IO_HINT });
  }
  if (!options.start) {
    throw new SeedbedError('NO_ENGINE', `no container engine runs:\n  ${detection.tried.join('\n  ')}`, {
      hint: 'start seedbed\'s own dockerd with `seedbed engine up` (docker.io is installed), or start Docker or Podman',
    });
  }
  const record = await startOwnedDockerd({ paths, progress: options.progress ?? silentProgress, signal: options.signal, startedBy: options.startedBy, locked: options.locked, isolated: options.isolated });
  return ownedEngine(record, paths);
}

/** The environment for a `docker` or `kind` command that must reach this engine. */
export function engineEnv(engine: Engine, base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...base, DOCKER_HOST: engine.dockerHost };
  if (engine.binDir) env.PATH = [engine.binDir, base.PATH ?? ''].filter(Boolean).join(delimiter);
  return env;
}

/** Runs the engine's docker CLI. */
export function runDocker(engine: Engine, args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  return runCommand(engine.dockerCli, args, { ...options, env: engineEnv(engine, options.env) });
}

/**
 * Points testcontainers in this process at the engine. Call before its first
 * use here: testcontainers reads DOCKER_HOST once. Its reaper (Ryuk) is off:
 * its image cannot be pulled offline, and seedbed's tests remove what they start.
 */
export function useEngineForTestcontainers(engine: Engine): void {
  process.env.DOCKER_HOST = engine.dockerHost;
  process.env.TESTCONTAINERS_RYUK_DISABLED = 'true';
}
