/** Maps upstream failures to the answer a client gets, and says which failures allow a stale answer. */
import { DiskFullError } from '../storage/disk-full-error.ts';
import { UpstreamError } from '../upstream/upstream-error.ts';
import { OciError } from './oci-error.ts';

export function toOciError(error: unknown, what: 'manifest' | 'blob' | 'tags'): OciError {
  if (error instanceof OciError) return error;
  if (error instanceof UpstreamError) {
    if (error.failure === 'unreachable') return new OciError(503, 'UNAVAILABLE', error.message);
    if (error.failure === 'auth') return new OciError(403, 'DENIED', error.message);
    const status = error.status ?? 502;
    if (status === 404) {
      if (what === 'manifest') return new OciError(404, 'MANIFEST_UNKNOWN', error.message);
      if (what === 'blob') return new OciError(404, 'BLOB_UNKNOWN', error.message);
      return new OciError(404, 'NAME_UNKNOWN', error.message);
    }
    if (status === 401 || status === 403) return new OciError(403, 'DENIED', error.message);
    if (status === 429) return new OciError(429, 'TOOMANYREQUESTS', error.message);
    return new OciError(502, 'UNAVAILABLE', error.message);
  }
  if (error instanceof DiskFullError) return new OciError(503, 'UNAVAILABLE', error.message);
  return new OciError(500, 'UNAVAILABLE', `internal error: ${(error as Error)?.message ?? String(error)}`);
}

/** Failures where serving a cached (stale) answer is better than failing: unreachable, 429, 5xx. */
export function allowsStale(error: unknown): boolean {
  if (!(error instanceof UpstreamError)) return false;
  if (error.failure === 'unreachable') return true;
  const status = error.status ?? 0;
  return status === 429 || status >= 500 || error.failure === 'protocol';
}

/** A short label for the upstream-errors metric. */
export function failureReason(error: unknown): string {
  if (error instanceof UpstreamError) return error.status ? `http_${error.status}` : error.failure;
  if (error instanceof DiskFullError) return 'disk_full';
  return 'other';
}
