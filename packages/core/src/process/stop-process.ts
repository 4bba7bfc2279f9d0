/**
 * The one way to stop a process recorded by pid (one this process did not
 * spawn, so there is no exit event): SIGTERM to its group, wait until the
 * grace deadline, SIGKILL, then wait a bounded time for it to go. It never
 * hangs on a process that will not die; it says what happened instead.
 */
import { systemClock, type Clock } from '../clock.ts';
import { killGroup } from './managed-process.ts';

export const STOP_GRACE_MS = 3_000;
export const KILL_WAIT_MS = 5_000;
const POLL_MS = 25;

export type StopOutcome = 'gone' | 'exited' | 'killed' | 'survived';

export interface StopRecordedOptions {
  /** Time between SIGTERM and SIGKILL. */
  graceMs?: number;
  /** How long to wait for the process to go after SIGKILL. */
  killWaitMs?: number;
  clock?: Clock;
}

/**
 * Stops `pid`; `alive` says whether the recorded process still runs (a pid
 * check that a recycled pid cannot fool, e.g. componentAlive). Resolves with
 * `gone` (not running), `exited` (after SIGTERM), `killed`, or `survived`
 * (still there after the kill wait: the caller reports it).
 */
export async function stopRecordedProcess(pid: number, alive: () => boolean, options: StopRecordedOptions = {}): Promise<StopOutcome> {
  const clock = options.clock ?? systemClock;
  const waitGone = async (ms: number) => {
    const deadline = clock.now() + ms;
    while (alive() && clock.now() < deadline) await clock.sleep(POLL_MS);
    return !alive();
  };
  if (!alive()) return 'gone';
  killGroup(pid, 'SIGTERM');
  if (await waitGone(options.graceMs ?? STOP_GRACE_MS)) return 'exited';
  killGroup(pid, 'SIGKILL');
  return (await waitGone(options.killWaitMs ?? KILL_WAIT_MS)) ? 'killed' : 'survived';
}
