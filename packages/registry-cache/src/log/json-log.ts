/**
 * Structured operational log: one JSON object per line (stdout by default).
 * Callers pass only safe fields; request URLs are logged without query
 * strings other than `ns`, and no header is ever logged, so credentials and
 * signed blob-storage URLs never reach the log.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface JsonLog {
  log(level: LogLevel, message: string, fields?: Record<string, unknown>): void;
}

export function createJsonLog(write: (line: string) => void = (line) => process.stdout.write(line), component = 'registry-cache'): JsonLog {
  return {
    log(level, message, fields = {}) {
      write(`${JSON.stringify({ time: new Date().toISOString(), level, component, msg: message, ...fields })}\n`);
    },
  };
}

export const silentLog: JsonLog = { log: () => {} };
