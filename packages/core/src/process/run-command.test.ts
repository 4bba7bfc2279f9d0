import { describe, expect, it } from 'vitest';
import { CommandError } from '../errors.ts';
import { runCommand } from './run-command.ts';

describe('runCommand', () => {
  it('returns output, and reports a failure with its status', async () => {
    expect(await runCommand('sh', ['-c', 'cat; echo done'], { input: 'in\n' })).toEqual({ stdout: 'in\ndone\n', stderr: '' });
    await expect(runCommand('sh', ['-c', 'echo nope >&2; exit 3'])).rejects.toThrow(CommandError);
  });

  it('settles by exit status when the child exits without reading its input (EPIPE is not an error)', async () => {
    const input = 'x'.repeat(4 << 20);
    for (let i = 0; i < 5; i++) {
      await expect(runCommand('true', [], { input })).resolves.toEqual({ stdout: '', stderr: '' });
      await expect(runCommand('false', [], { input })).rejects.toThrow(/exited with code 1/);
    }
  });
});
