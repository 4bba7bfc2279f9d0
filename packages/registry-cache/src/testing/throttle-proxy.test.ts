import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { allocatePort } from '@seedbed/core';
import { startThrottleProxy } from './throttle-proxy.ts';

const servers: net.Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

/** Sends `data` to each client that connects, then closes. */
async function source(data: Buffer): Promise<number> {
  const server = net.createServer((socket) => socket.end(data));
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as net.AddressInfo).port;
}

function download(port: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    net
      .connect(port, '127.0.0.1')
      .on('data', (c: Buffer) => chunks.push(c))
      .on('end', () => resolve(Buffer.concat(chunks)))
      .on('error', reject);
  });
}

describe('throttle proxy', () => {
  it('passes the bytes unchanged and shares one rate between all connections', async () => {
    const data = randomBytes(1024 * 1024);
    const target = await source(data);
    const port = await allocatePort('127.0.0.1');
    const proxy = startThrottleProxy(port, target, 4 * 1024 * 1024);
    servers.push(proxy);
    await new Promise((resolve) => proxy.once('listening', resolve));
    const started = performance.now();
    const [a, b] = await Promise.all([download(port), download(port)]);
    const seconds = (performance.now() - started) / 1000;
    expect(a.equals(data) && b.equals(data)).toBe(true);
    // 2 MiB at 4 MiB/s together: at least ~0.5 s (a 5 ms burst allowance aside); unthrottled loopback takes milliseconds
    expect(seconds).toBeGreaterThan(0.45);
  });
});
