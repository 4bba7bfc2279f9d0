import { describe, expect, it } from 'vitest';
import { isValidDigest, isValidRepositoryName, isValidTag, parseApiPath } from './reference.ts';

const DIGEST = `sha256:${'a'.repeat(64)}`;

describe('distribution grammar', () => {
  it('accepts valid names and rejects traversal and upper case', () => {
    for (const ok of ['busybox', 'library/busybox', 'a/b-c/d_e', 'foo__bar', 'x.y/z--w']) expect(isValidRepositoryName(ok), ok).toBe(true);
    for (const bad of ['', '..', 'a/../b', '../etc', '/abs', 'a//b', 'A', 'a/', 'a..b', '.a', 'a%2fb', 'a/%2e%2e', 'x'.repeat(256)]) {
      expect(isValidRepositoryName(bad), bad).toBe(false);
    }
  });

  it('checks tags and sha256 digests', () => {
    expect(isValidTag('v1.2.3-rc_1')).toBe(true);
    expect(isValidTag('.hidden')).toBe(false);
    expect(isValidTag('x'.repeat(129))).toBe(false);
    expect(isValidDigest(DIGEST)).toBe(true);
    expect(isValidDigest(`sha256:${'A'.repeat(64)}`)).toBe(false);
    expect(isValidDigest(`sha512:${'a'.repeat(128)}`)).toBe(false);
    expect(isValidDigest('sha256:../../etc/passwd')).toBe(false);
  });
});

describe('parseApiPath', () => {
  it('routes the pull API', () => {
    expect(parseApiPath('/v2/')).toEqual({ kind: 'base' });
    expect(parseApiPath('/v2/library/busybox/manifests/latest')).toEqual({ kind: 'manifest', name: 'library/busybox', reference: 'latest', byDigest: false });
    expect(parseApiPath(`/v2/a/manifests/${DIGEST}`)).toEqual({ kind: 'manifest', name: 'a', reference: DIGEST, byDigest: true });
    expect(parseApiPath(`/v2/a/b/blobs/${DIGEST}`)).toEqual({ kind: 'blob', name: 'a/b', digest: DIGEST });
    expect(parseApiPath('/v2/a/tags/list')).toEqual({ kind: 'tags', name: 'a' });
    expect(parseApiPath('/v2/a/blobs/uploads/')).toEqual({ kind: 'upload', name: 'a' });
  });

  it('rejects traversal, bad digests and bad tags with a specific code', () => {
    expect(parseApiPath(`/v2/../x/blobs/${DIGEST}`)).toMatchObject({ kind: 'invalid', code: 'NAME_INVALID' });
    expect(parseApiPath(`/v2/a/%2e%2e/blobs/${DIGEST}`)).toMatchObject({ kind: 'invalid', code: 'NAME_INVALID' });
    expect(parseApiPath('/v2/a/blobs/sha256:../../etc')).toMatchObject({ kind: 'invalid', code: 'DIGEST_INVALID' });
    expect(parseApiPath('/v2/a/manifests/sha256:abc')).toMatchObject({ kind: 'invalid', code: 'DIGEST_INVALID' });
    expect(parseApiPath('/v2/a/manifests/-bad')).toMatchObject({ kind: 'invalid', code: 'TAG_INVALID' });
    expect(parseApiPath('/other')).toEqual({ kind: 'not-found' });
  });
});
