import { spawn, type ChildProcess } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { RUN_ID_ENV, findMarked, markRun, reapMarked } from './run-marker.ts';

const children: ChildProcess[] = [];
const start = (script: string, env: NodeJS.ProcessEnv) => {
  const child = spawn('sh', ['-c', script], { env, stdio: 'ignore' });
  children.push(child);
  return child;
};
const exited = (child: ChildProcess) => new Promise<NodeJS.Signals | null>((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve(child.signalCode) : child.once('exit', (_c, s) => resolve(s))));
afterEach(() => {
  for (const c of children.splice(0)) c.kill('SIGKILL');
});

describe('run marker', () => {
  it('finds and kills exactly the processes started with this run id, escalating to SIGKILL', async () => {
    const env: NodeJS.ProcessEnv = { ...process.env };
    const id = markRun(env);
    expect(env[RUN_ID_ENV]).toBe(id);
    const polite = start('exec sleep 30', env);
    const stubborn = start('trap "" TERM; sleep 30 & wait; sleep 30', env);
    const other = start('exec sleep 30', { ...process.env, [RUN_ID_ENV]: 'another-run' });
    await new Promise((r) => setTimeout(r, 200));
    const pids = findMarked(id).map((p) => p.pid);
    expect(pids).toEqual(expect.arrayContaining([polite.pid, stubborn.pid]));
    expect(pids).not.toContain(other.pid);

    const reaped = await reapMarked(id, { graceMs: 300 });
    expect(reaped.map((p) => p.pid)).toEqual(expect.arrayContaining([polite.pid, stubborn.pid]));
    expect(await exited(polite)).toBe('SIGTERM');
    expect(await exited(stubborn)).toBe('SIGKILL');
    expect(findMarked(id)).toEqual([]);
    expect(other.exitCode === null && other.signalCode === null).toBe(true);
  });

  it('leaves what the exclude filter names', async () => {
    const env: NodeJS.ProcessEnv = { ...process.env };
    const id = markRun(env);
    const kept = start('exec sleep 30', env);
    await new Promise((r) => setTimeout(r, 200));
    expect(await reapMarked(id, { exclude: (p) => p.pid === kept.pid })).toEqual([]);
    expect(kept.exitCode === null && kept.signalCode === null).toBe(true);
  });
});
