/**
 * One namespaced logger for debug output, and a separate Progress channel for
 * what a user watches. Libraries log debug lines only; they return errors
 * instead of logging them, and leave progress to the step reporter.
 *
 * Debug output is enabled with SEEDBED_DEBUG=1 (everything) or a comma list of
 * namespace prefixes, e.g. SEEDBED_DEBUG=gardenlet,rollout (the namespaces in use are listed in the README).
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
  /**
   * Only on a terminal: replaces one live status line (a bar) in place; the
   * next info/step line or `live('')` clears it. Callers without it print lines.
   */
  live?(line: string): void;
}

export interface ConsoleProgressOptions {
  /** Draw live lines (default: stderr is a terminal and the default sink is used). */
  tty?: boolean;
  /** Where live lines go, unterminated (default: stderr). */
  writeRaw?: (text: string) => void;
}

export function consoleProgress(write: LogSink = stderrSink, options: ConsoleProgressOptions = {}): Progress {
  const symbols = { start: '•', done: '✓', failed: '✗', retry: '↻' } as const;
  const tty = options.tty ?? (write === stderrSink && process.stderr.isTTY === true);
  const raw = options.writeRaw ?? ((text: string) => void process.stderr.write(text));
  let showing = false;
  const clear = () => {
    if (showing) raw('\r\x1b[2K');
    showing = false;
  };
  const line = (text: string) => {
    clear();
    write(text);
  };
  const progress: Progress = {
    info: (message) => line(message),
    step: (name, state, detail) => line(` ${symbols[state]} ${name}${detail ? ` (${detail})` : ''}`),
  };
  if (tty) {
    progress.live = (text) => {
      clear();
      if (text === '') return;
      raw(text);
      showing = true;
    };
  }
  return progress;
}

export const silentProgress: Progress = { info: () => {}, step: () => {} };
