/**
 * The distribution grammar for repository names, tags and digests, and the
 * parser for `/v2/...` request paths. Everything a client sends is checked
 * here before it reaches storage or an upstream, so no path traversal
 * (`..`, encoded slashes, absolute paths) can get through.
 */

/** One path component: lower-case alphanumerics joined by `.`, `_`, `__` or runs of `-`. */
const NAME_COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const NAME_PATTERN = new RegExp(`^${NAME_COMPONENT}(?:/${NAME_COMPONENT})*$`);
const TAG_PATTERN = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const DIGEST_PATTERN = /^sha256:[a-f0-9]{64}$/;
/** Any algorithm the grammar allows, to tell "unsupported" from "malformed". */
const ANY_DIGEST_PATTERN = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/;

export const MAX_NAME_LENGTH = 255;

export function isValidRepositoryName(name: string): boolean {
  return name.length > 0 && name.length <= MAX_NAME_LENGTH && NAME_PATTERN.test(name);
}

export function isValidTag(tag: string): boolean {
  return TAG_PATTERN.test(tag);
}

/** Only sha256 digests are stored; anything else is rejected as invalid. */
export function isValidDigest(digest: string): boolean {
  return DIGEST_PATTERN.test(digest);
}

export function isDigestLike(reference: string): boolean {
  return ANY_DIGEST_PATTERN.test(reference) && reference.includes(':');
}

export type ApiRoute =
  | { kind: 'base' }
  | { kind: 'manifest'; name: string; reference: string; byDigest: boolean }
  | { kind: 'blob'; name: string; digest: string }
  | { kind: 'tags'; name: string }
  | { kind: 'upload'; name: string }
  | { kind: 'invalid'; code: 'NAME_INVALID' | 'MANIFEST_INVALID' | 'DIGEST_INVALID' | 'TAG_INVALID'; message: string }
  | { kind: 'not-found' };

/**
 * Parses the path of a registry API request. `rawPath` is the path as sent
 * (without the query); percent-encoding is not decoded, so `%2e%2e` or `%2f`
 * never become `..` or `/` and simply fail the grammar.
 */
export function parseApiPath(rawPath: string): ApiRoute {
  if (rawPath === '/v2' || rawPath === '/v2/') return { kind: 'base' };
  if (!rawPath.startsWith('/v2/')) return { kind: 'not-found' };
  const rest = rawPath.slice('/v2/'.length);
  const match = /^(.+)\/(manifests|blobs|tags)\/(.+)$/.exec(rest);
  if (!match) return { kind: 'not-found' };
  const [, name = '', section, tail = ''] = match;
  if (section === 'blobs' && (tail === 'uploads' || tail === 'uploads/' || tail.startsWith('uploads/'))) {
    return isValidRepositoryName(name) ? { kind: 'upload', name } : invalidName(name);
  }
  if (!isValidRepositoryName(name)) return invalidName(name);
  switch (section) {
    case 'manifests':
      if (isDigestLike(tail)) {
        return isValidDigest(tail)
          ? { kind: 'manifest', name, reference: tail, byDigest: true }
          : { kind: 'invalid', code: 'DIGEST_INVALID', message: `unsupported or malformed digest "${truncate(tail)}" (only sha256 is accepted)` };
      }
      return isValidTag(tail)
        ? { kind: 'manifest', name, reference: tail, byDigest: false }
        : { kind: 'invalid', code: 'TAG_INVALID', message: `invalid tag "${truncate(tail)}"` };
    case 'blobs':
      return isValidDigest(tail)
        ? { kind: 'blob', name, digest: tail }
        : { kind: 'invalid', code: 'DIGEST_INVALID', message: `unsupported or malformed digest "${truncate(tail)}" (only sha256 is accepted)` };
    default:
      return tail === 'list' ? { kind: 'tags', name } : { kind: 'not-found' };
  }
}

function invalidName(name: string): ApiRoute {
  return { kind: 'invalid', code: 'NAME_INVALID', message: `invalid repository name "${truncate(name)}"` };
}

function truncate(text: string): string {
  return text.length > 80 ? `${text.slice(0, 80)}…` : text;
}
