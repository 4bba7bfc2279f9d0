/**
 * The dockerd seedbed starts and owns when no Docker or Podman runs: Debian's
 * docker.io (/usr/sbin/dockerd) with everything under $SEEDBED_STATE_DIR/engine/
 * (see engine-paths.ts), the default docker0 bridge at 172.17.0.1/16 (clear of
 * the kind-configs' pod/service ranges 10.0.0.0/15, 10.2.0.0/16, fd00:10::/32,
 * the seed node networks 172.18.0.0/16 and fc00:f853:ccd:e793::/64, and the
 * local provider, which binds loopback only), iptables as dockerd sets it up.
 *
 * Where the host's capability bounding set lacks capabilities that
 * `--privileged` asks for, dockerd gets the capability-dropping OCI runtime
 * (tools/capdrop-runc) as its default runtime; otherwise it runs stock.
 *
 * Stop: SIGTERM to dockerd (it stops its containers and its containerd), wait,
 * then its containerd if still there; then the host's network is restored.
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { resolveBinaries } from '@seedbed/binaries';
import {
  ManagedProcess,
  PermanentError,
  SeedbedError,
  Wait,
  createLogger,
  formatDuration,
  isAlive,
  killGroup,
  lastLines,
  processStartTicks,
  runCommand,
  silentProgress,
  type Progress,
} from '@seedbed/core';
import { hostCapabilities, type HostCapabilities } from '../capabilities/host-capabilities.ts';
import { dockerGet, pingDocker } from './docker-api.ts';
import { checkSocketPaths, enginePaths, type EnginePaths } from './engine-paths.ts';
import { withEngineLock } from './engine-lock.ts';
import { recordHostNetwork, restoreHostNetwork, type HostNetworkBefore } from './host-network.ts';

const log = createLogger('engine:dockerd');

export const DOCKERD_CANDIDATES = ['/usr/sbin/dockerd', '/usr/bin/dockerd'];
export const DOCKER_IO_HINT = 'install Debian\'s docker.io (apt-get install docker.io) and seedbed starts its own dockerd, or start Docker or Podman yourself';
export const BRIDGE_IP = '172.17.0.1/16';
export const CAPDROP_RUNTIME = 'seedbed-capdrop';
export const DOCKERD_START_TIMEOUT_MS = 60_000;
export const DOCKERD_STOP_TIMEOUT_MS = 45_000;
export const CONTAINERD_STOP_TIMEOUT_MS = 10_000;

export interface CapDropState {
  registered: boolean;
  /** Why it is (the capabilities the host lacks) or is not registered. */
  reason: string;
  runtime?: string;
}

export interface OwnedDockerdRecord {
  pid: number;
  startTicks?: number;
  dockerd: string;
  args: string[];
  capDrop: CapDropState;
  /** What the host's network looked like before (absent for an isolated dockerd). */
  hostNetwork?: HostNetworkBefore;
  startedAt: string;
  /** Who started it: `seedbed engine up` (cli) or an engine lease (tests); leases stop only what a lease started. */
  startedBy?: string;
}

export type OwnedDockerdState =
  | { state: 'running'; record: OwnedDockerdRecord }
  | { state: 'stopped' }
  | { state: 'stale'; record: OwnedDockerdRecord; detail: string };

export function findDockerd(candidates: readonly string[] = DOCKERD_CANDIDATES): string | undefined {
  return candidates.find((p) => existsSync(p));
}

/** Whether an engine is running, or seedbed can start its own (docker.io's dockerd, as root). */
export function engineCanExist(detection: { engine?: unknown }, candidates: readonly string[] = DOCKERD_CANDIDATES): boolean {
  return !!detection.engine || (!!findDockerd(candidates) && process.getuid?.() === 0);
}

async function readRecord(paths: EnginePaths): Promise<OwnedDockerdRecord | undefined> {
  try {
    return JSON.parse(await readFile(paths.recordFile, 'utf8')) as OwnedDockerdRecord;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

function sameProcess(record: OwnedDockerdRecord): boolean {
  return isAlive(record.pid) && (record.startTicks === undefined || processStartTicks(record.pid) === record.startTicks);
}

export async function ownedDockerdState(paths = enginePaths()): Promise<OwnedDockerdState> {
  const record = await readRecord(paths);
  if (!record) return { state: 'stopped' };
  if (!sameProcess(record)) return { state: 'stale', record, detail: `dockerd (pid ${record.pid}) is gone` };
  if (!(await pingDocker(paths.socket))) return { state: 'stale', record, detail: `dockerd (pid ${record.pid}) runs but does not answer on ${paths.socket}` };
  return { state: 'running', record };
}

/** Whether the capability-dropping runtime is needed here, and why. */
export function capDropNeed(caps: HostCapabilities): { needed: boolean; reason: string } {
  if (caps.missing.length === 0) return { needed: false, reason: 'not needed: the capability bounding set holds every capability --privileged asks for' };
  return {
    needed: true,
    reason: `the capability bounding set lacks ${caps.missing.join(', ')}, which --privileged asks for (CapBnd ${caps.bounding.toString(16).padStart(16, '0')})`,
  };
}

export interface StartOptions {
  paths?: EnginePaths;
  progress?: Progress;
  signal?: AbortSignal;
  capabilities?: HostCapabilities;
  timeoutMs?: number;
  /**
   * No bridge and no iptables (`--bridge none --iptables=false`): a second
   * dockerd next to a running one, for probes that need no network (tests).
   */
  isolated?: boolean;
  /** Recorded as the record's startedBy (default cli). */
  startedBy?: string;
  /** The caller holds the engine lock already. */
  locked?: boolean;
}

export async function startOwnedDockerd(options: StartOptions = {}): Promise<OwnedDockerdRecord> {
  const paths = options.paths ?? enginePaths();
  if (!options.locked) return withEngineLock(paths, () => startOwnedDockerd({ ...options, paths, locked: true }));
  const progress = options.progress ?? silentProgress;
  const current = await ownedDockerdState(paths);
  if (current.state === 'running') return current.record;
  if (current.state === 'stale') {
    progress.info(`cleaning up a stale seedbed dockerd: ${current.detail}`);
    await stopOwnedDockerd({ paths, progress, locked: true });
  }
  const dockerd = findDockerd();
  if (!dockerd) throw new SeedbedError('NO_ENGINE', `no container engine: no Docker or Podman runs, and dockerd is not installed (looked for ${DOCKERD_CANDIDATES.join(', ')})`, { hint: DOCKER_IO_HINT });
  if (process.getuid?.() !== 0) {
    throw new SeedbedError('ENGINE_NEEDS_ROOT', `seedbed's own dockerd needs root (running as uid ${process.getuid?.()})`, {
      hint: 'run seedbed as root, or start Docker (or rootless Docker/Podman) yourself and seedbed uses it',
    });
  }
  checkSocketPaths(paths);
  const started = Date.now();
  progress.step('start seedbed dockerd', 'start');
  await mkdir(paths.root, { recursive: true, mode: 0o700 });
  await writeFile(paths.configFile, '{}\n');
  const need = capDropNeed(options.capabilities ?? hostCapabilities());
  const capDrop: CapDropState = { registered: false, reason: need.reason };
  const args = [
    '--host', `unix://${paths.socket}`,
    '--data-root', paths.dataRoot,
    '--exec-root', paths.execRoot,
    '--pidfile', paths.pidFile,
    '--config-file', paths.configFile,
    ...(options.isolated ? ['--bridge', 'none', '--iptables=false'] : ['--bip', BRIDGE_IP]),
  ];
  if (need.needed) {
    const binaries = await resolveBinaries({ names: ['capdrop-runc'], progress, signal: options.signal });
    capDrop.registered = true;
    capDrop.runtime = binaries.path('capdrop-runc');
    args.push('--add-runtime', `${CAPDROP_RUNTIME}=${capDrop.runtime}`, '--default-runtime', CAPDROP_RUNTIME);
  }
  // an isolated dockerd changes nothing on the host's network: nothing to restore
  const hostNetwork: HostNetworkBefore | undefined = options.isolated ? undefined : await recordHostNetwork();
  const proc = new ManagedProcess({ name: 'dockerd', command: dockerd, args, logFile: paths.logFile }).start();
  const record: OwnedDockerdRecord = {
    pid: proc.pid!,
    startTicks: processStartTicks(proc.pid!),
    dockerd,
    args,
    capDrop,
    hostNetwork,
    startedAt: new Date().toISOString(),
    startedBy: options.startedBy ?? 'cli',
  };
  // written before the wait so that a failed or interrupted start is still found and stopped
  await writeFile(paths.recordFile, `${JSON.stringify(record, null, 2)}\n`);
  try {
    await new Wait({
      what: `seedbed's dockerd to answer on ${paths.socket}`,
      timeoutMs: options.timeoutMs ?? DOCKERD_START_TIMEOUT_MS,
      intervalMs: 200,
      signal: options.signal,
      component: { name: 'dockerd', logTail: () => proc.logTail() },
    }).until(async () => {
      if (proc.exit) throw new PermanentError('DOCKERD_EXITED', `dockerd exited (${proc.exit.code ?? proc.exit.signal}) while starting:\n${proc.logTail().join('\n')}`);
      return pingDocker(paths.socket);
    });
  } catch (error) {
    progress.step('start seedbed dockerd', 'failed');
    await stopOwnedDockerd({ paths, locked: true });
    throw error;
  }
  progress.step('start seedbed dockerd', 'done', `${formatDuration(Date.now() - started)}; ${capDrop.registered ? `capability-dropping runtime registered: ${capDrop.reason}` : 'stock runc'}`);
  log.debug('dockerd %d: %s %s', record.pid, dockerd, args.join(' '));
  return record;
}

async function waitGone(pid: number, what: string, timeoutMs: number): Promise<boolean> {
  try {
    await new Wait({ what, timeoutMs, intervalMs: 200 }).until(() => !isAlive(pid) || isZombie(pid));
    return true;
  } catch {
    return false; // timed out: the caller escalates to SIGKILL
  }
}

function isZombie(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) === 'Z';
  } catch {
    return true; // gone between the two reads
  }
}

function readPid(file: string): number | undefined {
  try {
    const pid = Number(readFileSync(file, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined; // no pidfile: it never started or already removed it
  }
}

/** Bridges of the user-defined networks (br-<first 12 of the id>), to remove if dockerd leaves them. */
async function networkBridges(socket: string): Promise<string[]> {
  try {
    const networks = JSON.parse((await dockerGet(socket, '/networks')).body) as Array<{ Id: string; Driver: string; Name: string; Options?: Record<string, string> }>;
    return networks
      .filter((n) => n.Driver === 'bridge' && n.Name !== 'bridge')
      .map((n) => n.Options?.['com.docker.network.bridge.name'] ?? `br-${n.Id.slice(0, 12)}`);
  } catch {
    return []; // dockerd not answering: nothing to learn
  }
}

export interface StopOptions {
  paths?: EnginePaths;
  progress?: Progress;
  /** The caller holds the engine lock already. */
  locked?: boolean;
}

/** Stops seedbed's dockerd and its containerd and restores the host network; returns what was done. */
export async function stopOwnedDockerd(options: StopOptions = {}): Promise<string[]> {
  const paths = options.paths ?? enginePaths();
  if (!options.locked) return withEngineLock(paths, () => stopOwnedDockerd({ ...options, paths, locked: true }));
  const progress = options.progress ?? silentProgress;
  const state = await ownedDockerdState(paths);
  if (state.state === 'stopped') return [];
  const { record } = state;
  const done: string[] = [];
  const bridges = state.state === 'running' ? await networkBridges(paths.socket) : [];
  progress.step('stop seedbed dockerd', 'start');
  if (sameProcess(record)) {
    process.kill(record.pid, 'SIGTERM');
    if (!(await waitGone(record.pid, 'dockerd to exit', DOCKERD_STOP_TIMEOUT_MS))) {
      killGroup(record.pid, 'SIGKILL');
      await waitGone(record.pid, 'dockerd to die', 5_000);
      done.push(`dockerd ${record.pid} killed (no exit within ${DOCKERD_STOP_TIMEOUT_MS / 1000}s of SIGTERM)`);
    } else done.push(`dockerd ${record.pid} stopped`);
  }
  const containerd = readPid(join(paths.execRoot, 'containerd', 'containerd.pid'));
  if (containerd && isAlive(containerd) && !isZombie(containerd) && cmdline(containerd).includes(paths.execRoot)) {
    process.kill(containerd, 'SIGTERM');
    if (!(await waitGone(containerd, 'containerd to exit', CONTAINERD_STOP_TIMEOUT_MS))) killGroup(containerd, 'SIGKILL');
    done.push(`containerd ${containerd} stopped`);
  }
  for (const bridge of bridges) {
    if (existsSync(`/sys/class/net/${bridge}`)) {
      await runCommand('ip', ['link', 'delete', bridge]);
      done.push(`removed bridge ${bridge}`);
    }
  }
  if (record.hostNetwork) done.push(...(await restoreHostNetwork(record.hostNetwork)));
  await rm(paths.recordFile, { force: true });
  await rm(paths.socket, { force: true });
  progress.step('stop seedbed dockerd', 'done', done.join('; '));
  return done;
}

function cmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    return '';
  }
}

/** The last lines of seedbed's dockerd log, for error messages. */
export function dockerdLogTail(paths = enginePaths(), lines = 20): string {
  try {
    return lastLines(readFileSync(paths.logFile, 'utf8'), lines);
  } catch {
    return '';
  }
}
