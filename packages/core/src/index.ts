export {
  SeedbedError,
  CommandError,
  ValidationError,
  TimeoutError,
  ApiError,
  CancelledError,
  PermanentError,
  describeError,
  formatDuration,
  lastLines,
  type Problem,
  type ErrorOptions,
} from './errors.ts';
export { systemClock, FakeClock, MAX_TIMEOUT_MS, type Clock } from './clock.ts';
export { createLogger, consoleProgress, silentProgress, type Logger, type Progress, type LogSink, type ConsoleProgressOptions } from './logger.ts';
export { Wait, DEFAULT_WAIT_TIMEOUT_MS, DEFAULT_WAIT_INTERVAL_MS, type WaitOptions, type Check } from './wait.ts';
export { Flow, FlowError, progressPercent, type FlowRunOptions, type FlowResult } from './flow/flow.ts';
export type { Task, TaskContext, TaskState, RetryPolicy, FlowEvent } from './flow/task.ts';
export { runCommand, commandExists, type RunOptions, type RunResult } from './process/run-command.ts';
export { ManagedProcess, killGroup, isAlive, processStartTicks, DEFAULT_STOP_GRACE_MS, type ProcessSpec, type ExitInfo } from './process/managed-process.ts';
export { stopRecordedProcess, STOP_GRACE_MS, KILL_WAIT_MS } from './process/stop-process.ts';
export { stateRoot, STATE_DIR_ENV } from './state-dir.ts';
export { markRun, findMarked, reapMarked, RUN_ID_ENV, type MarkedProcess } from './process/run-marker.ts';
export { renderPrometheus } from './metrics/prometheus-text.ts';
export { WorkQueue } from './queue/work-queue.ts';
export { CleanupStack, onInterrupt, untilInterrupted, type CleanupAction } from './cleanup.ts';
export { allocatePort, allocatePorts, isPortInUse, hostPort } from './ports.ts';
