import { describe, expect, it } from 'vitest';
import { SeedbedError } from '@seedbed/core';
import { checkSocketPaths, enginePaths } from './engine-paths.ts';

describe('engine paths', () => {
  it('puts everything of seedbed’s dockerd under <state>/engine', () => {
    const paths = enginePaths('/state/engine');
    expect(paths).toMatchObject({ dataRoot: '/state/engine/data', execRoot: '/state/engine/run', socket: '/state/engine/docker.sock', pidFile: '/state/engine/dockerd.pid', logFile: '/state/engine/dockerd.log' });
    expect(() => checkSocketPaths(paths)).not.toThrow();
  });

  it('refuses a state directory too deep for unix socket paths, saying how to fix it', () => {
    const error = (() => {
      try {
        checkSocketPaths(enginePaths(`/${'x'.repeat(90)}/engine`));
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(SeedbedError);
    expect((error as SeedbedError).code).toBe('ENGINE_PATH_TOO_LONG');
    expect((error as SeedbedError).hint).toMatch(/SEEDBED_STATE_DIR/);
  });
});
