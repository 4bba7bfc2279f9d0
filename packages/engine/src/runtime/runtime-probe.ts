/**
 * Finds a running Docker or Podman the way testcontainers does (its runtime
 * detection: ~/.testcontainers.properties, DOCKER_HOST, /var/run/docker.sock,
 * the rootless sockets, in that order).
 *
 * The probe runs in a worker thread: testcontainers caches its configuration
 * (DOCKER_HOST included) on first use in a process, so a failed probe in this
 * thread would hide the dockerd seedbed starts afterwards from every later
 * testcontainers call here.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

export interface RuntimeProbe {
  ok: boolean;
  /** DOCKER_HOST value of the runtime found (unix://… or tcp://…). */
  dockerHost?: string;
  serverVersion?: string;
  /** "docker" or "podman". */
  flavour?: 'docker' | 'podman';
  /** What was found, or why nothing was. */
  detail: string;
}

export const PROBE_TIMEOUT_MS = 15_000;

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
(async () => {
  try {
    const { getContainerRuntimeClient } = require(workerData.testcontainers);
    const client = await getContainerRuntimeClient();
    const modem = client.container.dockerode.modem;
    const dockerHost = modem.socketPath ? 'unix://' + modem.socketPath : (modem.protocol || 'tcp') + '://' + modem.host + ':' + modem.port;
    const version = await client.container.dockerode.version().catch(() => ({}));
    const podman = /podman/i.test(dockerHost) || (version.Components || []).some((c) => /podman/i.test(c.Name));
    parentPort.postMessage({ ok: true, dockerHost, serverVersion: client.info.containerRuntime.serverVersion, flavour: podman ? 'podman' : 'docker' });
  } catch (error) {
    parentPort.postMessage({ ok: false, detail: error && error.message ? error.message : String(error) });
  }
})();
`;

/** testcontainers' runtime detection, with `env` as the environment (DOCKER_HOST etc.). */
export function probeRuntime(env: NodeJS.ProcessEnv = process.env, timeoutMs = PROBE_TIMEOUT_MS): Promise<RuntimeProbe> {
  const testcontainers = createRequire(import.meta.url).resolve('testcontainers');
  return new Promise((resolve) => {
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { testcontainers }, env: { ...env } });
    const timer = setTimeout(() => {
      void worker.terminate();
      resolve({ ok: false, detail: `testcontainers' runtime detection did not answer within ${timeoutMs / 1000}s` });
    }, timeoutMs);
    worker.once('message', (message: Omit<RuntimeProbe, 'detail'> & { detail?: string }) => {
      clearTimeout(timer);
      void worker.terminate();
      resolve(
        message.ok
          ? { ...message, detail: `${message.flavour} at ${message.dockerHost} (server ${message.serverVersion})` }
          : { ok: false, detail: message.detail ?? 'unknown error' },
      );
    });
    worker.once('error', (error: unknown) => {
      clearTimeout(timer);
      resolve({ ok: false, detail: error instanceof Error ? error.message : String(error) });
    });
  });
}
