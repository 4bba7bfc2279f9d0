import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { packLayer, sha256File, writeImageArchive } from './image-archive.ts';

const dirs: string[] = [];
const temp = () => {
  const d = mkdtempSync(join(tmpdir(), 'seedbed-archive-test-'));
  dirs.push(d);
  return d;
};
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('image archive', () => {
  it('packs the same directory to the same layer digest', async () => {
    const dir = temp();
    mkdirSync(join(dir, 'files/usr/local/bin'), { recursive: true });
    writeFileSync(join(dir, 'files/usr/local/bin/tool'), '#!/bin/sh\necho hi\n', { mode: 0o755 });
    await packLayer(join(dir, 'files'), join(dir, 'a.tar'));
    // other times: mtimes and atimes must not leak into the layer
    utimesSync(join(dir, 'files/usr/local/bin/tool'), new Date('2001-01-01'), new Date('2002-02-02'));
    await packLayer(join(dir, 'files'), join(dir, 'b.tar'));
    expect(await sha256File(join(dir, 'a.tar'))).toBe(await sha256File(join(dir, 'b.tar')));
    expect(execFileSync('tar', ['-tvf', join(dir, 'a.tar')], { encoding: 'utf8' })).toMatch(/-rwxr-xr-x 0\/0 .* \.\/usr\/local\/bin\/tool/);
  });

  it('writes docker save\'s layout: manifest.json with every tag, a config named by its digest, layers by diff id', async () => {
    const dir = temp();
    mkdirSync(join(dir, 'files'));
    writeFileSync(join(dir, 'files/pause'), 'binary');
    await packLayer(join(dir, 'files'), join(dir, 'layer.tar'));
    await writeImageArchive({ tags: ['registry.k8s.io/pause:3.10.2', 'registry.k8s.io/pause:3.10'], layers: [join(dir, 'layer.tar')], config: { entrypoint: ['/pause'] } }, join(dir, 'image.tar'));
    const out = join(dir, 'out');
    mkdirSync(out);
    execFileSync('tar', ['-xf', join(dir, 'image.tar'), '-C', out]);
    expect(execFileSync('tar', ['-tf', join(dir, 'image.tar')], { encoding: 'utf8' }).split('\n')[0]).toBe('manifest.json');
    const [manifest] = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
    expect(manifest.RepoTags).toEqual(['registry.k8s.io/pause:3.10.2', 'registry.k8s.io/pause:3.10']);
    const configBytes = readFileSync(join(out, manifest.Config));
    expect(manifest.Config).toBe(`${createHash('sha256').update(configBytes).digest('hex')}.json`);
    const config = JSON.parse(configBytes.toString());
    const layerDigest = await sha256File(join(dir, 'layer.tar'));
    expect(manifest.Layers).toEqual([`${layerDigest}/layer.tar`]);
    expect(config.rootfs).toEqual({ type: 'layers', diff_ids: [`sha256:${layerDigest}`] });
    expect(config.config.Entrypoint).toEqual(['/pause']);
    expect(config.os).toBe('linux');
    expect(await sha256File(join(out, manifest.Layers[0]))).toBe(layerDigest);
  });

  it('refuses an image without a name', async () => {
    await expect(writeImageArchive({ tags: [], layers: [], config: {} }, join(temp(), 'x.tar'))).rejects.toThrow(/tag/);
  });
});
