/**
 * Where seedbed's own dockerd keeps everything: $SEEDBED_STATE_DIR/engine/
 * (data root, exec root, pidfile, socket, log, its daemon.json and seedbed's
 * record of what it started). Nothing of a system Docker is shared.
 */
import { join } from 'node:path';
import { SeedbedError, stateRoot } from '@seedbed/core';

export interface EnginePaths {
  root: string;
  dataRoot: string;
  execRoot: string;
  pidFile: string;
  socket: string;
  logFile: string;
  /** An empty daemon.json of its own, so /etc/docker/daemon.json never applies. */
  configFile: string;
  /** seedbed's record of the running dockerd (engine.json). */
  recordFile: string;
  /** Holds a `docker` link to the CLI chosen for this engine, put first on PATH for kind. */
  binDir: string;
}

/** sun_path is 108 bytes on Linux, NUL included. */
export const MAX_SOCKET_PATH = 107;
/** The longest socket path dockerd creates under its exec root. */
const LONGEST_EXEC_SOCKET = 'containerd/containerd.sock.ttrpc';

export function enginePaths(root = join(stateRoot(), 'engine')): EnginePaths {
  return {
    root,
    dataRoot: join(root, 'data'),
    execRoot: join(root, 'run'),
    pidFile: join(root, 'dockerd.pid'),
    socket: join(root, 'docker.sock'),
    logFile: join(root, 'dockerd.log'),
    configFile: join(root, 'daemon.json'),
    recordFile: join(root, 'engine.json'),
    binDir: join(root, 'bin'),
  };
}

/** Fails before dockerd does when the state directory is too deep for unix socket paths. */
export function checkSocketPaths(paths: EnginePaths): void {
  const longest = join(paths.execRoot, LONGEST_EXEC_SOCKET);
  for (const path of [paths.socket, longest]) {
    if (Buffer.byteLength(path) > MAX_SOCKET_PATH) {
      throw new SeedbedError('ENGINE_PATH_TOO_LONG', `the engine's socket path ${path} is longer than the ${MAX_SOCKET_PATH} bytes a unix socket allows`, {
        hint: `point SEEDBED_STATE_DIR at a shorter directory (it is ${paths.root.length - '/engine'.length} characters now)`,
      });
    }
  }
}
