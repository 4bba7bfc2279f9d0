/** One-shot HTTP(S) GETs used by readiness waits (loopback only). */
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { readFileSync } from 'node:fs';

export interface TlsFiles {
  ca?: string;
  cert?: string;
  key?: string;
  /** For components that serve a self-signed certificate of their own. */
  insecure?: boolean;
}

export const PROBE_TIMEOUT_MS = 2_000;

/** Resolves with status and body; rejects on connection errors. */
export function probe(url: string, tls: TlsFiles = {}, timeoutMs = PROBE_TIMEOUT_MS): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const https = url.startsWith('https:');
    const options = https
      ? {
          ca: tls.ca ? readFileSync(tls.ca) : undefined,
          cert: tls.cert ? readFileSync(tls.cert) : undefined,
          key: tls.key ? readFileSync(tls.key) : undefined,
          rejectUnauthorized: !tls.insecure,
          timeout: timeoutMs,
        }
      : { timeout: timeoutMs };
    const req = (https ? httpsRequest : httpRequest)(url, options, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('timeout', () => req.destroy(new Error(`no answer from ${url} within ${timeoutMs}ms`)));
    req.on('error', reject);
    req.end();
  });
}

/** A check for Wait.until: true on HTTP 200, otherwise throws with the answer. */
export function expectOk(url: string, tls?: TlsFiles): () => Promise<true> {
  return async () => {
    const { status, body } = await probe(url, tls);
    if (status !== 200) throw new Error(`${url} answered ${status}: ${body.slice(0, 300)}`);
    return true;
  };
}
