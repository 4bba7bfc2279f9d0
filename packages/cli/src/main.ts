/** Entry point: runs the command tree; errors print their message and hint, and exit non-zero. */
import { describeError } from '@seedbed/core';
import { createProgram } from './program.ts';

try {
  await createProgram().parseAsync(process.argv);
} catch (error) {
  console.error(`error: ${describeError(error)}`);
  process.exitCode = 1;
}
