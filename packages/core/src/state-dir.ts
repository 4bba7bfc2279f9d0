/**
 * Where seedbed keeps its state on disk: $SEEDBED_STATE_DIR, else
 * $XDG_STATE_HOME/seedbed, else ~/.local/state/seedbed. Clusters live under
 * clusters/, seedbed's own container engine under engine/.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';

export const STATE_DIR_ENV = 'SEEDBED_STATE_DIR';

export function stateRoot(env: NodeJS.ProcessEnv = process.env): string {
  if (env[STATE_DIR_ENV]) return env[STATE_DIR_ENV];
  const base = env.XDG_STATE_HOME || join(env.HOME || homedir(), '.local', 'state');
  return join(base, 'seedbed');
}
