/**
 * The docker CLI against one engine: every call carries that engine's
 * environment (DOCKER_HOST from @seedbed/engine), so the node image is built
 * in, and looked up from, the same engine the kind provider uses.
 */
import { CommandError, runCommand, type RunResult } from '@seedbed/core';

export class DockerCli {
  readonly env: NodeJS.ProcessEnv;

  constructor(env: NodeJS.ProcessEnv = process.env) {
    this.env = env;
  }

  /** Where this CLI talks to (for messages). */
  get host(): string {
    return this.env.DOCKER_HOST ?? 'the default docker socket';
  }

  run(args: readonly string[], options: { signal?: AbortSignal; cwd?: string } = {}): Promise<RunResult> {
    return runCommand('docker', args, { env: this.env, signal: options.signal, cwd: options.cwd });
  }

  async output(args: readonly string[], signal?: AbortSignal): Promise<string> {
    return (await this.run(args, { signal })).stdout.trim();
  }

  /** Whether `reference` is in the engine's image store. */
  async imageExists(reference: string, signal?: AbortSignal): Promise<boolean> {
    try {
      await this.run(['image', 'inspect', '--format', '{{.Id}}', reference], { signal });
      return true;
    } catch (error) {
      // "No such image" (Docker) or "image not known" (Podman) is the answer we ask for; anything else (engine down) is a real failure
      if (error instanceof CommandError && /no such image|image not known/i.test(error.stderr)) return false;
      throw error;
    }
  }

  /** Removes containers by id or name, ignoring those already gone. */
  async removeContainers(ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    try {
      await this.run(['rm', '-f', '-v', ...ids]);
    } catch (error) {
      // a container already removed is what we want
      if (!(error instanceof CommandError && /no such container|no container with/i.test(error.stderr))) throw error;
    }
  }
}
