/**
 * A flow is a graph of named tasks with dependencies, modelled on gardener's
 * pkg/utils/flow: tasks whose dependencies have succeeded run concurrently;
 * each may be wrapped in retries and a timeout; progress is the share of
 * succeeded tasks (rounded down). When a task fails, no new task starts, the
 * running ones finish, and the flow rejects with a FlowError naming the failed
 * tasks and the progress reached.
 */
import { systemClock, type Clock } from '../clock.ts';
import { PermanentError, SeedbedError, TimeoutError, ValidationError, describeError, type Problem } from '../errors.ts';
import type { FlowEvent, Task, TaskState } from './task.ts';

export interface FlowRunOptions {
  signal?: AbortSignal;
  clock?: Clock;
  onEvent?: (event: FlowEvent) => void;
}

export interface FlowResult {
  name: string;
  states: ReadonlyMap<string, TaskState>;
  percent: number;
  durationsMs: ReadonlyMap<string, number>;
}

export class FlowError extends SeedbedError {
  readonly flow: string;
  readonly failures: ReadonlyArray<{ task: string; error: unknown }>;
  readonly percent: number;

  constructor(flow: string, failures: ReadonlyArray<{ task: string; error: unknown }>, percent: number) {
    const lines = failures.map((f) => `  task "${f.task}": ${describeError(f.error)}`);
    super('FLOW_FAILED', `flow "${flow}" failed at ${percent}%:\n${lines.join('\n')}`);
    this.flow = flow;
    this.failures = failures;
    this.percent = percent;
  }
}

export function progressPercent(succeeded: number, total: number): number {
  return total === 0 ? 100 : Math.floor((100 * succeeded) / total);
}

export class Flow {
  readonly name: string;
  private readonly tasks: ReadonlyMap<string, Task>;

  constructor(name: string, tasks: readonly Task[]) {
    this.name = name;
    const problems: Problem[] = [];
    const byName = new Map<string, Task>();
    for (const task of tasks) {
      if (byName.has(task.name)) problems.push({ path: task.name, message: 'duplicate task name' });
      byName.set(task.name, task);
    }
    for (const task of tasks) {
      for (const dep of task.dependencies ?? []) {
        if (!byName.has(dep)) problems.push({ path: task.name, message: `depends on unknown task "${dep}"` });
      }
    }
    const cycle = findCycle(byName);
    if (cycle) problems.push({ path: cycle[0]!, message: `dependency cycle: ${cycle.join(' → ')}` });
    if (problems.length) throw new ValidationError(`flow "${name}"`, problems);
    this.tasks = byName;
  }

  get taskNames(): string[] {
    return [...this.tasks.keys()];
  }

  async run(options: FlowRunOptions = {}): Promise<FlowResult> {
    const clock = options.clock ?? systemClock;
    const emit = options.onEvent ?? (() => {});
    const states = new Map<string, TaskState>([...this.tasks.keys()].map((n) => [n, 'pending']));
    const durations = new Map<string, number>();
    const failures: Array<{ task: string; error: unknown }> = [];
    const running = new Map<string, Promise<void>>();
    const total = this.tasks.size;
    let succeeded = 0;

    const ready = (task: Task) => (task.dependencies ?? []).every((d) => states.get(d) === 'succeeded');
    const start = (task: Task) => {
      states.set(task.name, 'running');
      const began = clock.now();
      const promise = runTask(task, clock, options.signal, emit).then(
        () => {
          states.set(task.name, 'succeeded');
          durations.set(task.name, clock.now() - began);
          succeeded++;
          emit({ type: 'task-succeeded', task: task.name, durationMs: clock.now() - began });
          emit({ type: 'progress', percent: progressPercent(succeeded, total), succeeded, total });
        },
        (error: unknown) => {
          states.set(task.name, 'failed');
          durations.set(task.name, clock.now() - began);
          failures.push({ task: task.name, error });
          emit({ type: 'task-failed', task: task.name, error, durationMs: clock.now() - began });
        },
      );
      running.set(task.name, promise.finally(() => running.delete(task.name)));
    };

    for (;;) {
      if (failures.length === 0 && !options.signal?.aborted) {
        for (const task of this.tasks.values()) {
          if (states.get(task.name) === 'pending' && ready(task)) start(task);
        }
      }
      if (running.size === 0) break;
      await Promise.race(running.values());
    }
    for (const [name, state] of states) if (state === 'pending') states.set(name, 'skipped');
    const percent = progressPercent(succeeded, total);
    if (failures.length === 0 && options.signal?.aborted) {
      failures.push({ task: '(flow)', error: options.signal.reason ?? new Error('aborted') });
    }
    if (failures.length) throw new FlowError(this.name, failures, percent);
    return { name: this.name, states, percent, durationsMs: durations };
  }
}

async function runTask(task: Task, clock: Clock, outer: AbortSignal | undefined, emit: (e: FlowEvent) => void): Promise<void> {
  const policy = task.retry ?? { attempts: 1, initialDelayMs: 0 };
  let delay = policy.initialDelayMs;
  for (let attempt = 1; ; attempt++) {
    emit({ type: 'task-started', task: task.name, attempt });
    try {
      await withTimeout(task, clock, outer, attempt);
      return;
    } catch (error) {
      const retryable = !(error instanceof PermanentError) && (policy.retryable?.(error) ?? true);
      if (attempt >= policy.attempts || !retryable || outer?.aborted) throw error;
      emit({ type: 'task-retrying', task: task.name, attempt, error, delayMs: delay });
      await clock.sleep(delay, outer);
      delay = Math.min(delay * 2, policy.maxDelayMs ?? Number.POSITIVE_INFINITY);
    }
  }
}

async function withTimeout(task: Task, clock: Clock, outer: AbortSignal | undefined, attempt: number): Promise<void> {
  const controller = new AbortController();
  const onOuter = () => controller.abort(outer?.reason);
  outer?.addEventListener('abort', onOuter, { once: true });
  const timer = new AbortController();
  try {
    const work = task.run({ signal: controller.signal, clock, attempt });
    if (task.timeoutMs === undefined) return await work;
    const timeout = clock.sleep(task.timeoutMs, timer.signal).then(() => {
      const error = new TimeoutError({ what: `task "${task.name}"`, timeoutMs: task.timeoutMs! });
      controller.abort(error);
      throw error;
    });
    timeout.catch(() => {}); // marks it handled: the race below reports the timeout
    await Promise.race([work, timeout]);
  } finally {
    timer.abort();
    outer?.removeEventListener('abort', onOuter);
  }
}

function findCycle(tasks: ReadonlyMap<string, Task>): string[] | undefined {
  const visiting = new Set<string>();
  const done = new Set<string>();
  const path: string[] = [];
  const visit = (name: string): string[] | undefined => {
    if (done.has(name)) return undefined;
    if (visiting.has(name)) return [...path.slice(path.indexOf(name)), name];
    visiting.add(name);
    path.push(name);
    for (const dep of tasks.get(name)?.dependencies ?? []) {
      const cycle = visit(dep);
      if (cycle) return cycle;
    }
    path.pop();
    visiting.delete(name);
    done.add(name);
    return undefined;
  };
  for (const name of tasks.keys()) {
    const cycle = visit(name);
    if (cycle) return cycle;
  }
  return undefined;
}
