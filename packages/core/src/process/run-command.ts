/** Runs a command to completion and returns its output, or throws a CommandError with context. */
import { spawn } from 'node:child_process';
import { CommandError, CancelledError } from '../errors.ts';

export interface RunOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  input?: string;
  signal?: AbortSignal;
  /** Called with each chunk of stdout/stderr as it arrives (e.g. to show build progress). */
  onOutput?: (chunk: string, stream: 'stdout' | 'stderr') => void;
}

export interface RunResult {
  stdout: string;
  stderr: string;
}

export function runCommand(command: string, args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    if (options.signal?.aborted) return reject(new CancelledError(command));
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: true,
    });
    let stdout = '';
    let stderr = '';
    const kill = () => {
      if (child.pid) {
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
    };
    options.signal?.addEventListener('abort', kill, { once: true });
    child.stdout.setEncoding('utf8').on('data', (c: string) => {
      stdout += c;
      options.onOutput?.(c, 'stdout');
    });
    child.stderr.setEncoding('utf8').on('data', (c: string) => {
      stderr += c;
      options.onOutput?.(c, 'stderr');
    });
    child.on('error', (error: NodeJS.ErrnoException) => {
      options.signal?.removeEventListener('abort', kill);
      const hint = error.code === 'ENOENT' ? `"${command}" is not installed or not on PATH` : undefined;
      reject(new CommandError({ command, args, exitCode: null, signal: null, stderr: error.message }, { hint, cause: error }));
    });
    child.on('close', (code, signal) => {
      options.signal?.removeEventListener('abort', kill);
      if (options.signal?.aborted) return reject(new CancelledError([command, ...args].join(' ')));
      if (code === 0) return resolve({ stdout, stderr });
      reject(new CommandError({ command, args, exitCode: code, signal, stderr: stderr || stdout }));
    });
    // a child that exits without reading its input closes the pipe first (EPIPE); its exit status tells what happened
    child.stdin.on('error', () => {});
    child.stdin.end(options.input ?? '');
  });
}

/** Whether `command` can be found on PATH. */
export async function commandExists(command: string): Promise<boolean> {
  try {
    await runCommand('sh', ['-c', `command -v "$1"`, 'sh', command]);
    return true;
  } catch {
    return false;
  }
}
