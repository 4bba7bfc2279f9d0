import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../clock.ts';
import { isAlive } from './managed-process.ts';
import { stopRecordedProcess } from './stop-process.ts';

/** A real process in its own group; `ignoreTerm` makes it trap SIGTERM. Resolves once the trap is set (it says "ready"). */
async function start(ignoreTerm: boolean): Promise<number> {
  const script = `${ignoreTerm ? "trap '' TERM; " : ''}echo ready; while :; do sleep 0.05; done`;
  const child = spawn('sh', ['-c', script], { detached: true, stdio: ['ignore', 'pipe', 'ignore'] });
  await new Promise<void>((resolve, reject) => {
    child.stdout!.once('data', () => resolve());
    child.once('error', reject);
  });
  child.stdout!.destroy();
  child.unref();
  return child.pid!;
}

/** A process that exited but was not yet reaped by its parent (this test) counts as gone. */
const running = (pid: number) => {
  if (!isAlive(pid)) return false;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
};

describe('stopRecordedProcess', () => {
  it('stops a process with SIGTERM', async () => {
    const pid = await start(false);
    expect(await stopRecordedProcess(pid, () => running(pid), { graceMs: 5_000 })).toBe('exited');
  });

  it('kills a process that ignores SIGTERM after the grace period', async () => {
    const pid = await start(true);
    expect(await stopRecordedProcess(pid, () => running(pid), { graceMs: 200 })).toBe('killed');
  });

  it('says a process survived instead of waiting for it forever, and does nothing for one already gone', async () => {
    const clock = new FakeClock();
    const stopping = stopRecordedProcess(2 ** 22 + 12345, () => true, { graceMs: 100, killWaitMs: 100, clock });
    for (let i = 0; i < 10; i++) await clock.advance(50);
    expect(await stopping).toBe('survived');
    expect(await stopRecordedProcess(1, () => false)).toBe('gone');
  });
});
