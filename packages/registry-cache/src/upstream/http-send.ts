/**
 * One HTTP(S) request to an upstream with a connect timeout (so a dead
 * upstream fails fast and containerd moves on to the next host) and an idle
 * timeout for the whole exchange. Resolves with the response head; the body
 * is left to the caller.
 */
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';

export interface SendOptions {
  method: 'GET' | 'HEAD';
  headers: Record<string, string>;
  connectTimeoutMs: number;
  idleTimeoutMs: number;
  agents: { http: http.Agent; https: https.Agent };
}

export class ConnectTimeoutError extends Error {
  readonly code = 'ECONNTIMEOUT';
}

export function send(url: URL, options: SendOptions): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const secure = url.protocol === 'https:';
    const request = (secure ? https : http).request(url, {
      method: options.method,
      headers: options.headers,
      agent: secure ? options.agents.https : options.agents.http,
    });
    request.on('socket', (socket) => {
      if (!socket.connecting) return;
      const timer = setTimeout(() => request.destroy(new ConnectTimeoutError(`connect to ${url.host} timed out after ${options.connectTimeoutMs}ms`)), options.connectTimeoutMs);
      socket.once('connect', () => clearTimeout(timer));
      socket.once(secure ? 'secureConnect' : 'connect', () => clearTimeout(timer));
      socket.once('close', () => clearTimeout(timer));
    });
    request.setTimeout(options.idleTimeoutMs, () => request.destroy(new Error(`no data from ${url.host} for ${options.idleTimeoutMs}ms`)));
    request.once('error', reject);
    request.once('response', (response) => {
      // errors after the head belong to the body stream
      request.off('error', reject);
      request.on('error', (error) => response.destroy(error));
      resolve(response);
    });
    request.end();
  });
}

/** Reads a (small) body, refusing more than `limit` bytes. */
export async function readBody(response: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(response.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    response.destroy();
    throw new Error(`body of ${declared} bytes exceeds the limit of ${limit}`);
  }
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of response as AsyncIterable<Buffer>) {
    total += chunk.length;
    if (total > limit) {
      response.destroy();
      throw new Error(`body exceeds the limit of ${limit} bytes`);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** Discards a body so the connection can be reused. */
export function drain(response: IncomingMessage): void {
  response.resume();
  response.on('error', () => {});
}
