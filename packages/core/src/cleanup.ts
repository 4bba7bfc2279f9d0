/**
 * Cleanup on every exit path. Resources register an undo action as soon as
 * they exist; `run()` undoes them in reverse order. `onInterrupt` makes Ctrl-C
 * (SIGINT) and SIGTERM run the same cleanup before the process exits.
 */
import { describeError } from './errors.ts';

export type CleanupAction = () => Promise<void> | void;

export class CleanupStack {
  private actions: Array<{ name: string; action: CleanupAction }> = [];

  /** Registers an action; returns a function that removes it again (when ownership moves on). */
  add(name: string, action: CleanupAction): () => void {
    const entry = { name, action };
    this.actions.push(entry);
    return () => {
      this.actions = this.actions.filter((a) => a !== entry);
    };
  }

  get size(): number {
    return this.actions.length;
  }

  /** Runs every action, newest first; collects failures instead of stopping at the first. */
  async run(): Promise<string[]> {
    const failures: string[] = [];
    while (this.actions.length) {
      const { name, action } = this.actions.pop()!;
      try {
        await action();
      } catch (error) {
        failures.push(`${name}: ${describeError(error)}`);
      }
    }
    return failures;
  }
}

/**
 * Aborts `controller` on SIGINT/SIGTERM so running work stops and its cleanup
 * runs; a second signal exits at once. Returns a function that uninstalls the handlers.
 */
export function onInterrupt(controller: AbortController, notice: (message: string) => void = () => {}): () => void {
  let count = 0;
  const handler = (signal: NodeJS.Signals) => {
    count++;
    if (count > 1) process.exit(130);
    notice(`received ${signal}, cleaning up (press Ctrl-C again to exit at once)`);
    controller.abort(new Error(`interrupted by ${signal}`));
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return () => {
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
  };
}

/** Resolves on the first SIGINT or SIGTERM (for commands that run until stopped). */
export function untilInterrupted(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const onSignal = (signal: NodeJS.Signals) => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      resolve(signal);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}
