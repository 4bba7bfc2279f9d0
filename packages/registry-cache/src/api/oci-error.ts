/** OCI distribution error responses: `{"errors":[{"code","message","detail"}]}`. */
import type { ServerResponse } from 'node:http';

export type OciErrorCode =
  | 'BLOB_UNKNOWN'
  | 'DIGEST_INVALID'
  | 'MANIFEST_UNKNOWN'
  | 'MANIFEST_INVALID'
  | 'NAME_INVALID'
  | 'NAME_UNKNOWN'
  | 'TAG_INVALID'
  | 'UNSUPPORTED'
  | 'DENIED'
  | 'TOOMANYREQUESTS'
  | 'UNAVAILABLE'
  | 'SIZE_INVALID'
  | 'RANGE_INVALID'
  | 'NOT_FOUND';

export class OciError extends Error {
  readonly status: number;
  readonly code: OciErrorCode;

  constructor(status: number, code: OciErrorCode, message: string) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

export function sendOciError(response: ServerResponse, error: OciError, headers: Record<string, string> = {}): void {
  if (response.headersSent) {
    response.destroy();
    return;
  }
  const body = JSON.stringify({ errors: [{ code: error.code, message: error.message }] });
  response.writeHead(error.status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
    ...headers,
  });
  response.end(response.req.method === 'HEAD' ? undefined : body);
}
