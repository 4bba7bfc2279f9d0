/**
 * Typed errors. Every error seedbed raises carries the context a user needs to
 * act on it (command, exit code, stderr; API status; the problems found) and,
 * where one exists, a hint saying how to fix it.
 */

export interface ErrorOptions {
  hint?: string;
  cause?: unknown;
}

/** Base class: a message, an optional fix hint and a stable code for scripts. */
export class SeedbedError extends Error {
  readonly code: string;
  readonly hint?: string;

  constructor(code: string, message: string, options: ErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.hint = options.hint;
  }

  /** The message plus the hint, formatted for a terminal. */
  describe(): string {
    return this.hint ? `${this.message}\n  hint: ${this.hint}` : this.message;
  }
}

/** A process exited non-zero or was killed. */
export class CommandError extends SeedbedError {
  readonly command: string;
  readonly args: readonly string[];
  readonly exitCode: number | null;
  readonly signal: string | null;
  readonly stderr: string;

  constructor(
    details: { command: string; args: readonly string[]; exitCode: number | null; signal: string | null; stderr: string },
    options: ErrorOptions = {},
  ) {
    const how = details.signal ? `was killed by ${details.signal}` : `exited with code ${details.exitCode}`;
    const tail = lastLines(details.stderr, 20);
    super(
      'COMMAND_FAILED',
      `${[details.command, ...details.args].join(' ')} ${how}${tail ? `\n--- stderr (last lines) ---\n${tail}` : ''}`,
      options,
    );
    this.command = details.command;
    this.args = details.args;
    this.exitCode = details.exitCode;
    this.signal = details.signal;
    this.stderr = details.stderr;
  }
}

export interface Problem {
  /** Where the problem is, e.g. `networking.podSubnet`. */
  path: string;
  message: string;
}

/** Input failed validation; lists every problem found, not just the first. */
export class ValidationError extends SeedbedError {
  readonly source: string;
  readonly problems: readonly Problem[];

  constructor(source: string, problems: readonly Problem[], options: ErrorOptions = {}) {
    const lines = problems.map((p) => `  - ${p.path ? `${p.path}: ` : ''}${p.message}`);
    super('INVALID_INPUT', `${source} is invalid (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n${lines.join('\n')}`, options);
    this.source = source;
    this.problems = problems;
  }
}

/** Something awaited did not happen in time. */
export class TimeoutError extends SeedbedError {
  readonly what: string;
  readonly timeoutMs: number;
  readonly component?: string;
  readonly logTail: readonly string[];

  constructor(
    details: { what: string; timeoutMs: number; component?: string; logTail?: readonly string[]; lastError?: unknown },
    options: ErrorOptions = {},
  ) {
    const last = details.lastError instanceof Error ? `\n  last check: ${details.lastError.message}` : '';
    const logs = details.logTail?.length
      ? `\n--- last log lines of ${details.component ?? 'the component'} ---\n${details.logTail.join('\n')}`
      : '';
    super('TIMEOUT', `timed out after ${formatDuration(details.timeoutMs)} waiting for ${details.what}${last}${logs}`, {
      ...options,
      cause: options.cause ?? details.lastError,
    });
    this.what = details.what;
    this.timeoutMs = details.timeoutMs;
    this.component = details.component;
    this.logTail = details.logTail ?? [];
  }
}

/** A Kubernetes API call failed with an HTTP status. */
export class ApiError extends SeedbedError {
  readonly statusCode: number;
  readonly reason?: string;

  constructor(operation: string, statusCode: number, body: string, options: ErrorOptions = {}) {
    let reason: string | undefined;
    let detail = body;
    try {
      const status = JSON.parse(body) as { reason?: string; message?: string };
      reason = status.reason;
      detail = status.message ?? body;
    } catch {
      // body is not a Status object; keep it verbatim
    }
    super('API_ERROR', `${operation} failed: HTTP ${statusCode}${reason ? ` ${reason}` : ''}: ${detail}`, options);
    this.statusCode = statusCode;
    this.reason = reason;
  }
}

/** A failure no retry or further waiting can fix (a component exited); waits stop at once. */
export class PermanentError extends SeedbedError {
  constructor(code: string, message: string, options: ErrorOptions = {}) {
    super(code, message, options);
  }
}

/** The operation was cancelled (Ctrl-C, an abort signal). */
export class CancelledError extends SeedbedError {
  constructor(what: string) {
    super('CANCELLED', `${what} was cancelled`);
  }
}

export function lastLines(text: string, count: number): string {
  const lines = text.split('\n');
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines.slice(-count).join('\n');
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms % 1000 === 0 ? 0 : 1)}s`;
  const minutes = Math.floor(ms / 60_000);
  const seconds = Math.round((ms % 60_000) / 1000);
  return seconds ? `${minutes}m${seconds}s` : `${minutes}m`;
}

/** Renders any thrown value for a terminal, with the hint when there is one. */
export function describeError(error: unknown): string {
  if (error instanceof SeedbedError) return error.describe();
  if (error instanceof Error) return error.message;
  return String(error);
}
