/**
 * One namespaced logger for debug output, and a separate Progress channel for
 * what a user watches. Libraries log debug lines only; they return errors
 * instead of logging them, and leave progress to the step reporter.
 *
 * Debug output is enabled with SEEDBED_DEBUG=1 (everything) or a comma list of
 * namespace prefixes, e.g. SEEDBED_DEBUG=cluster:local,binaries.
 */
import { format } from 'node:util';

export type LogSink = (line: string) => void;

export interface Logger {
  readonly namespace: string;
  debug(message: string, ...args: unknown[]): void;
  child(name: string): Logger;
  enabled(): boolean;
}

const stderrSink: LogSink = (line) => process.stderr.write(`${line}\n`);

function debugPatterns(): string[] {
  const raw = process.env.SEEDBED_DEBUG ?? '';
  if (raw === '' || raw === '0' || raw === 'false') return [];
  if (raw === '1' || raw === 'true' || raw === '*') return [''];
  return raw.split(',').map((s) => s.trim()).filter(Boolean);
}

export function createLogger(namespace: string, sink: LogSink = stderrSink, patterns = debugPatterns()): Logger {
  const on = patterns.some((p) => p === '' || namespace === p || namespace.startsWith(`${p}:`));
  return {
    namespace,
    enabled: () => on,
    debug(message, ...args) {
      if (!on) return;
      sink(`${new Date().toISOString()} seedbed:${namespace} ${format(message, ...args)}`);
    },
    child: (name) => createLogger(`${namespace}:${name}`, sink, patterns),
  };
}

/** User-facing progress: a line per event, written to stderr so stdout stays parseable. */
export interface Progress {
  info(message: string): void;
  step(name: string, state: 'start' | 'done' | 'failed' | 'retry', detail?: string): void;
}

export function consoleProgress(write: LogSink = stderrSink): Progress {
  const symbols = { start: '•', done: '✓', failed: '✗', retry: '↻' } as const;
  return {
    info: (message) => write(message),
    step: (name, state, detail) => write(` ${symbols[state]} ${name}${detail ? ` (${detail})` : ''}`),
  };
}

export const silentProgress: Progress = { info: () => {}, step: () => {} };
