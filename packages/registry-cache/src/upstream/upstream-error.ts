/** Why an upstream could not answer: unreachable (connection level) or an HTTP status the cache cannot use. */
import { SeedbedError } from '@seedbed/core';

export type UpstreamFailure = 'unreachable' | 'status' | 'auth' | 'protocol';

export class UpstreamError extends SeedbedError {
  readonly upstream: string;
  readonly failure: UpstreamFailure;
  readonly status?: number;

  constructor(upstream: string, failure: UpstreamFailure, message: string, options: { status?: number; cause?: unknown } = {}) {
    super(`UPSTREAM_${failure.toUpperCase()}`, `upstream ${upstream}: ${message}`, { cause: options.cause });
    this.upstream = upstream;
    this.failure = failure;
    this.status = options.status;
  }
}
