import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { goStringConstants } from './go-constants.ts';
import { criBaseSpec, patchContainerdConfig, readKindSource, sandboxImageOf } from './kind-source.ts';

const KIND_DIR = join(process.env.GOMODCACHE ?? join(homedir(), 'go/pkg/mod'), 'sigs.k8s.io/kind@v0.33.0');

describe('goStringConstants', () => {
  it('reads interpreted and raw strings, const blocks and concatenation with earlier constants', () => {
    const source = [
      'package x',
      'const image = "docker.io/kindest/kindnetd:v1\\t"',
      'const (',
      '\tpath     = "/kind/manifests/x.yaml"',
      ')',
      'var images = []string{image}',
      'func f() { local := "not a constant"; _ = local }',
      'const manifest = `',
      'image: ` + image + `',
      'rest`',
    ].join('\n');
    expect(goStringConstants(source)).toEqual({
      image: 'docker.io/kindest/kindnetd:v1\t',
      path: '/kind/manifests/x.yaml',
      manifest: '\nimage: docker.io/kindest/kindnetd:v1\t\nrest',
    });
  });

  it('skips an expression naming an unknown constant instead of guessing', () => {
    expect(goStringConstants('const a = "x" + other\nconst b = "y"')).toEqual({ b: 'y' });
    expect(goStringConstants('const a = "x" + other', { other: 'z' }).a).toBe('xz');
  });
});

describe('containerd config', () => {
  it('turns restrict_oom_score_adj on and fails loudly when the line is gone', () => {
    const config = '[plugins."io.containerd.grpc.v1.cri"]\n  sandbox_image = "registry.k8s.io/pause:3.10"\n  restrict_oom_score_adj = false\n';
    expect(patchContainerdConfig(config)).toContain('  restrict_oom_score_adj = true\n');
    expect(patchContainerdConfig(config)).not.toContain('= false');
    expect(() => patchContainerdConfig('version = 2\n')).toThrow(/restrict_oom_score_adj/);
    expect(sandboxImageOf(config)).toBe('registry.k8s.io/pause:3.10');
  });

  it('adds the product-files hook and drops rlimits, as kind\'s jq does', () => {
    const spec = JSON.parse(criBaseSpec(JSON.stringify({ process: { rlimits: [{ type: 'RLIMIT_NOFILE' }], cwd: '/' }, hooks: { createContainer: [{ path: '/a' }] } })));
    expect(spec.hooks.createContainer).toEqual([{ path: '/a' }, { path: '/kind/bin/mount-product-files.sh' }]);
    expect(spec.process).toEqual({ cwd: '/' });
  });
});

describe.skipIf(!existsSync(KIND_DIR))('kind v0.33.0 source (needs sigs.k8s.io/kind@v0.33.0 in the Go module cache)', () => {
  it('yields the manifests with the image names substituted', () => {
    const kind = readKindSource(KIND_DIR, 'v0.33.0');
    expect(kind.kindnetdImage).toMatch(/^docker\.io\/kindest\/kindnetd:v\d+-\w+$/);
    expect(kind.storageHelperImage).toMatch(/^docker\.io\/kindest\/local-path-helper:/);
    expect(kind.cniManifest).toContain(`image: ${kind.kindnetdImage}`);
    expect(kind.cniManifest).toContain('{{ .PodSubnet }}');
    expect(kind.storageManifest).toContain(`image: ${kind.storageProvisionerImage}`);
    expect(kind.storageManifest).toContain(`- ${kind.storageHelperImage}`);
    expect(kind.containerdConfig).toContain('restrict_oom_score_adj = true');
    expect(kind.sandboxImage).toMatch(/^registry\.k8s\.io\/pause:/);
  });
});
