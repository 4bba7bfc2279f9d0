import type { Clock } from '../clock.ts';

/** Per-task context: the flow's abort signal (also fired on the task's timeout) and clock. */
export interface TaskContext {
  signal: AbortSignal;
  clock: Clock;
  /** 1 on the first attempt. */
  attempt: number;
}

export interface RetryPolicy {
  /** Attempts in total, including the first. */
  attempts: number;
  /** Delay before the second attempt; doubles each time up to maxDelayMs. */
  initialDelayMs: number;
  maxDelayMs?: number;
  /** Only errors this accepts are retried; default: all. */
  retryable?: (error: unknown) => boolean;
}

/** A named unit of work in a flow, with the names of the tasks it needs first. */
export interface Task {
  name: string;
  dependencies?: readonly string[];
  run: (ctx: TaskContext) => Promise<void>;
  retry?: RetryPolicy;
  timeoutMs?: number;
}

export type TaskState = 'pending' | 'running' | 'succeeded' | 'failed' | 'skipped';

/** Events a flow emits; progress bars and logs are derived from them. */
export type FlowEvent =
  | { type: 'task-started'; task: string; attempt: number }
  | { type: 'task-succeeded'; task: string; durationMs: number }
  | { type: 'task-retrying'; task: string; attempt: number; error: unknown; delayMs: number }
  | { type: 'task-failed'; task: string; error: unknown; durationMs: number }
  | { type: 'progress'; percent: number; succeeded: number; total: number };
