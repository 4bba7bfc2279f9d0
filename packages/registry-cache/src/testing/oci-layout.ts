/**
 * Test helper: writes an OCI image layout (oci-layout, index.json, blobs)
 * for an image with the given layer contents, so tests can push it with
 * `skopeo copy oci:DIR:tag docker://...`.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface BuiltImage {
  dir: string;
  tag: string;
  manifestDigest: string;
  manifest: Buffer;
  configDigest: string;
  layers: Array<{ digest: string; data: Buffer }>;
}

export function sha256(data: Buffer): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

/** Layers are stored as given (media type "tar", uncompressed), which skopeo copies verbatim. */
export function buildOciImage(dir: string, tag: string, layerSizes: number[]): BuiltImage {
  const blobDir = join(dir, 'blobs', 'sha256');
  mkdirSync(blobDir, { recursive: true });
  const write = (data: Buffer) => {
    const digest = sha256(data);
    writeFileSync(join(blobDir, digest.slice(7)), data);
    return digest;
  };
  const layers = layerSizes.map((size) => {
    const data = randomBytes(size);
    return { digest: write(data), data };
  });
  const config = Buffer.from(
    JSON.stringify({
      architecture: 'amd64',
      os: 'linux',
      config: {},
      rootfs: { type: 'layers', diff_ids: layers.map((l) => l.digest) },
    }),
  );
  const configDigest = write(config);
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: configDigest, size: config.length },
      layers: layers.map((l) => ({ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: l.digest, size: l.data.length })),
    }),
  );
  const manifestDigest = write(manifest);
  writeFileSync(join(dir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  writeFileSync(
    join(dir, 'index.json'),
    JSON.stringify({
      schemaVersion: 2,
      manifests: [
        {
          mediaType: 'application/vnd.oci.image.manifest.v1+json',
          digest: manifestDigest,
          size: manifest.length,
          annotations: { 'org.opencontainers.image.ref.name': tag },
          platform: { architecture: 'amd64', os: 'linux' },
        },
      ],
    }),
  );
  return { dir, tag, manifestDigest, manifest, configDigest, layers };
}
