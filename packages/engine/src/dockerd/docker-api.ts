/** The few Docker Engine API calls seedbed makes itself, over a unix socket (no CLI, no client library). */
import { request } from 'node:http';

/** GET `path` on the engine at `socket`; resolves with the status and body, rejects when nothing answers. */
export function dockerGet(socket: string, path: string, timeoutMs = 5_000): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath: socket, path, method: 'GET', timeout: timeoutMs }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('timeout', () => req.destroy(new Error(`no answer from ${socket}${path} within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end();
  });
}

/** Whether a Docker API answers `_ping` on the socket. */
export async function pingDocker(socket: string): Promise<boolean> {
  try {
    return (await dockerGet(socket, '/_ping')).status === 200;
  } catch {
    return false; // no socket, refused, or timed out: not answering
  }
}
