/**
 * The node's HTTPS endpoint (the kubelet's port 10250, reduced to /healthz):
 * one listener per node address that can be bound on this machine, all
 * serving the current serving certificate; a renewed certificate is swapped
 * in for new connections without a restart. Addresses that cannot be bound
 * (simulated nodes' kind-network IPs) are reported, not fatal.
 */
import { createServer, type Server } from 'node:https';
import type { ListenResult, ServingEndpoint } from './serving-endpoint.ts';

export type { ListenResult } from './serving-endpoint.ts';

export class HttpsEndpoint implements ServingEndpoint {
  private readonly servers = new Map<string, Server>();

  constructor(private readonly port: number) {}

  /** Sets the certificate and listens on exactly `addresses` (closing listeners of addresses no longer wanted). */
  async update(addresses: readonly string[], cert: string, key: string): Promise<ListenResult> {
    for (const server of this.servers.values()) server.setSecureContext({ cert, key });
    for (const [address, server] of [...this.servers]) {
      if (!addresses.includes(address)) {
        this.servers.delete(address);
        await new Promise((resolve) => server.close(resolve));
      }
    }
    const unbindable: Record<string, string> = {};
    for (const address of addresses) {
      if (this.servers.has(address)) continue;
      const server = createServer({ cert, key }, (req, res) => {
        if (req.url === '/healthz') res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
        else res.writeHead(404).end();
      });
      try {
        await new Promise<void>((resolve, reject) => {
          server.once('error', reject);
          server.listen({ host: address, port: this.port, exclusive: true }, () => {
            server.off('error', reject);
            resolve();
          });
        });
        this.servers.set(address, server);
      } catch (error) {
        unbindable[address] = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
      }
    }
    return { listening: [...this.servers.keys()], unbindable };
  }

  get listening(): string[] {
    return [...this.servers.keys()];
  }

  async close(): Promise<void> {
    const servers = [...this.servers.values()];
    this.servers.clear();
    await Promise.all(servers.map((s) => new Promise((resolve) => { s.closeAllConnections(); s.close(resolve); })));
  }
}
