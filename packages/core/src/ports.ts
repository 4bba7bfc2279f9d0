/**
 * Port allocation: ask the kernel for a free port on the address the component
 * will bind, never assume one is free.
 */
import { createServer } from 'node:net';
import { SeedbedError } from './errors.ts';

export function allocatePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        new SeedbedError('PORT_ALLOCATION_FAILED', `cannot allocate a port on ${host}: ${error.message}`, {
          hint: host.includes(':') ? 'IPv6 must be enabled on the loopback interface (sysctl net.ipv6.conf.lo.disable_ipv6=0)' : undefined,
          cause: error,
        }),
      ),
    );
    server.listen({ host, port: 0, exclusive: true }, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Allocates `count` distinct ports on `host`. */
export async function allocatePorts(host: string, count: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < count) ports.add(await allocatePort(host));
  return [...ports];
}

/** Whether something accepts connections on host:port. */
export function isPortInUse(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once('error', () => resolve(true));
    server.listen({ host, port, exclusive: true }, () => server.close(() => resolve(false)));
  });
}

/** Formats host:port, bracketing IPv6 literals as URLs require. */
export function hostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}
