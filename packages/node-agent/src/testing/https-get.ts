/**
 * Test helper: GET /healthz over HTTPS from a node's endpoint, verifying the
 * certificate against `ca` and the address by IP (Node's default server
 * identity check), and report the serial number of the certificate seen.
 */
import { request } from 'node:https';
import type { TLSSocket } from 'node:tls';

export function httpsGet(host: string, port: number, ca: string): Promise<{ status: number; body: string; serial: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host, port, path: '/healthz', ca, agent: false, timeout: 5_000 }, (res) => {
      let body = '';
      const serial = res.socket && 'getPeerCertificate' in res.socket ? (res.socket as TLSSocket).getPeerCertificate().serialNumber : '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, serial }));
    });
    req.on('error', reject);
    req.on('timeout', () => req.destroy(new Error(`timeout talking to ${host}:${port}`)));
    req.end();
  });
}

/** Serial numbers as X509Certificate and getPeerCertificate spell them, made comparable. */
export const normSerial = (s: string) => s.toUpperCase().replace(/^0+/, '');
