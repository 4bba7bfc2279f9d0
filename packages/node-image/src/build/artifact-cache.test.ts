import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ArtifactCache } from './artifact-cache.ts';

const dirs: string[] = [];
const cache = () => {
  const d = mkdtempSync(join(tmpdir(), 'seedbed-cache-test-'));
  dirs.push(d);
  return new ArtifactCache(d);
};
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('ArtifactCache', () => {
  it('makes an artifact once and finds it afterwards', async () => {
    const c = cache();
    let calls = 0;
    const make = async (tmp: string) => {
      calls++;
      await writeFile(tmp, 'content');
    };
    expect(await c.produce('a/b.tar', make)).toEqual({ path: c.path('a/b.tar'), made: true });
    expect(await c.produce('a/b.tar', make)).toEqual({ path: c.path('a/b.tar'), made: false });
    expect(calls).toBe(1);
    expect(readFileSync(c.path('a/b.tar'), 'utf8')).toBe('content');
  });

  it('leaves nothing behind when making fails midway (an interrupted build resumes cleanly)', async () => {
    const c = cache();
    await expect(c.produce('x.tar', async (tmp) => {
      await writeFile(tmp, 'half');
      throw new Error('interrupted');
    })).rejects.toThrow('interrupted');
    expect(c.has('x.tar')).toBe(false);
    expect(readdirSync(c.root)).toEqual([]);
  });

  it('removes the temp artifact of a killed build, not that of a live one', async () => {
    const c = cache();
    await c.produce('warm.tar', (tmp) => writeFile(tmp, 'x'));
    const dead = spawnSync('true').pid!; // exited: its pid is free
    writeFileSync(c.path(`y.tar.tmp-${dead}`), 'stale');
    writeFileSync(c.path(`y.tar.tmp-${process.ppid}-root`), 'a live build of another process');
    await c.produce('y.tar', (tmp) => writeFile(tmp, 'fresh'));
    expect(existsSync(c.path(`y.tar.tmp-${dead}`))).toBe(false);
    expect(existsSync(c.path(`y.tar.tmp-${process.ppid}-root`))).toBe(true);
    expect(readFileSync(c.path('y.tar'), 'utf8')).toBe('fresh');
  });

  it('reports an artifact that was never written', async () => {
    await expect(cache().produce('none', async () => {})).rejects.toThrow(/produced nothing/);
  });
});
