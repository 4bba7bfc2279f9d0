/** Test helper: raw HTTP requests that report aborted bodies and first-byte timing (fetch hides both). */
import http from 'node:http';
import https from 'node:https';

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  /** True when the connection ended before the body was complete. */
  aborted: boolean;
  firstByteAt?: number;
  endAt: number;
}

/** `ca` (PEM) is the only trusted root for https URLs. */
export function request(url: string, options: { method?: string; headers?: Record<string, string>; abortAfterBytes?: number; ca?: string } = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const transport = url.startsWith('https:') ? https : http;
    const req = transport.request(url, { method: options.method ?? 'GET', headers: options.headers, agent: false, ca: options.ca }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      let firstByteAt: number | undefined;
      let settled = false;
      const done = (aborted: boolean) => {
        if (settled) return;
        settled = true;
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks), aborted, firstByteAt, endAt: performance.now() });
      };
      res.on('data', (chunk: Buffer) => {
        firstByteAt ??= performance.now();
        chunks.push(chunk);
        size += chunk.length;
        if (options.abortAfterBytes !== undefined && size >= options.abortAfterBytes) {
          req.destroy();
          done(true);
        }
      });
      res.on('end', () => done(!res.complete));
      res.on('aborted', () => done(true));
      res.on('error', () => done(true));
      res.on('close', () => done(!res.complete));
    });
    req.on('error', reject);
    req.end();
  });
}
