/**
 * Manifests by digest (`manifests/sha256/<hex>` plus `<hex>.type` holding the
 * media type) and the tag → digest answers of each upstream repository
 * (`tags/<upstream>/<repository>/<tag>.json`). Names and tags are validated
 * against the distribution grammar before they reach this module.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { systemClock, type Clock } from '@seedbed/core';
import { writeFileAtomic } from './atomic-write.ts';

export interface StoredManifest {
  digest: string;
  mediaType: string;
  body: Buffer;
}

export interface TagEntry {
  digest: string;
  /** Clock time of the last upstream confirmation; -Infinity when loaded from disk (revalidate first). */
  checkedAt: number;
}

export function sha256Digest(data: Buffer): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

export class ManifestStore {
  private readonly root: string;
  private readonly tempDir: string;
  private readonly clock: Clock;
  private readonly tags = new Map<string, TagEntry>();

  constructor(root: string, tempDir: string, clock: Clock = systemClock) {
    this.root = root;
    this.tempDir = tempDir;
    this.clock = clock;
  }

  private manifestPath(digest: string): string {
    return join(this.root, 'manifests', 'sha256', digest.slice('sha256:'.length));
  }

  private tagPath(upstream: string, repository: string, tag: string): string {
    return join(this.root, 'tags', upstream, repository, `${tag}.json`);
  }

  async get(digest: string): Promise<StoredManifest | undefined> {
    try {
      const [body, mediaType] = await Promise.all([readFile(this.manifestPath(digest)), readFile(`${this.manifestPath(digest)}.type`, 'utf8')]);
      // a manifest is tiny; re-hashing it guarantees a damaged file is never served
      return sha256Digest(body) === digest ? { digest, mediaType, body } : undefined;
    } catch {
      return undefined;
    }
  }

  async put(manifest: StoredManifest): Promise<void> {
    await writeFileAtomic(`${this.manifestPath(manifest.digest)}.type`, manifest.mediaType, this.tempDir);
    await writeFileAtomic(this.manifestPath(manifest.digest), manifest.body, this.tempDir);
  }

  async getTag(upstream: string, repository: string, tag: string): Promise<TagEntry | undefined> {
    const key = `${upstream}/${repository}:${tag}`;
    const cached = this.tags.get(key);
    if (cached) return cached;
    try {
      const stored = JSON.parse(await readFile(this.tagPath(upstream, repository, tag), 'utf8')) as { digest?: unknown };
      if (typeof stored.digest !== 'string') return undefined;
      const entry = { digest: stored.digest, checkedAt: -Infinity };
      this.tags.set(key, entry);
      return entry;
    } catch {
      return undefined;
    }
  }

  async setTag(upstream: string, repository: string, tag: string, digest: string): Promise<void> {
    const key = `${upstream}/${repository}:${tag}`;
    const previous = this.tags.get(key);
    this.tags.set(key, { digest, checkedAt: this.clock.now() });
    if (previous?.digest !== digest) {
      await writeFileAtomic(this.tagPath(upstream, repository, tag), JSON.stringify({ digest }), this.tempDir);
    }
  }

  confirmTag(upstream: string, repository: string, tag: string): void {
    const entry = this.tags.get(`${upstream}/${repository}:${tag}`);
    if (entry) entry.checkedAt = this.clock.now();
  }
}
