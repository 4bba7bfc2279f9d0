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

  it('writes docker save\'s layout: manifest.json with every image and tag, configs named by their digest, each layer once', async () => {
    const dir = temp();
    mkdirSync(join(dir, 'base'));
    writeFileSync(join(dir, 'base/sh'), 'shell');
    mkdirSync(join(dir, 'files'));
    writeFileSync(join(dir, 'files/pause'), 'binary');
    await packLayer(join(dir, 'base'), join(dir, 'base.tar'));
    await packLayer(join(dir, 'files'), join(dir, 'layer.tar'));
    await writeImageArchive(
      [
        { tags: ['registry.k8s.io/pause:3.10.2', 'registry.k8s.io/pause:3.10'], layers: [join(dir, 'base.tar'), join(dir, 'layer.tar')], config: { entrypoint: ['/pause'] } },
        { tags: ['docker.io/kindest/local-path-helper:v1'], layers: [join(dir, 'base.tar')], config: {} },
      ],
      join(dir, 'image.tar'),
    );
    const out = join(dir, 'out');
    mkdirSync(out);
    execFileSync('tar', ['-xf', join(dir, 'image.tar'), '-C', out]);
    const listing = execFileSync('tar', ['-tf', join(dir, 'image.tar')], { encoding: 'utf8' }).split('\n').filter(Boolean);
    expect(listing[0]).toBe('manifest.json');
    const baseDigest = await sha256File(join(dir, 'base.tar'));
    const layerDigest = await sha256File(join(dir, 'layer.tar'));
    expect(listing.filter((e) => e.startsWith(`${baseDigest}/layer.tar`))).toHaveLength(1);
    const [pause, helper] = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
    expect(pause.RepoTags).toEqual(['registry.k8s.io/pause:3.10.2', 'registry.k8s.io/pause:3.10']);
    expect(helper.RepoTags).toEqual(['docker.io/kindest/local-path-helper:v1']);
    const configBytes = readFileSync(join(out, pause.Config));
    expect(pause.Config).toBe(`${createHash('sha256').update(configBytes).digest('hex')}.json`);
    const config = JSON.parse(configBytes.toString());
    expect(pause.Layers).toEqual([`${baseDigest}/layer.tar`, `${layerDigest}/layer.tar`]);
    expect(helper.Layers).toEqual([`${baseDigest}/layer.tar`]);
    expect(config.rootfs).toEqual({ type: 'layers', diff_ids: [`sha256:${baseDigest}`, `sha256:${layerDigest}`] });
    expect(config.config.Entrypoint).toEqual(['/pause']);
    expect(config.os).toBe('linux');
    expect(await sha256File(join(out, pause.Layers[1]))).toBe(layerDigest);
  });

  it('refuses an image without a name', async () => {
    await expect(writeImageArchive([{ tags: [], layers: [], config: {} }], join(temp(), 'x.tar'))).rejects.toThrow(/tag/);
    await expect(writeImageArchive([], join(temp(), 'x.tar'))).rejects.toThrow(/at least one image/);
  });
});
