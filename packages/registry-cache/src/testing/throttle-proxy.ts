/**
 * Benchmark helper: a TCP proxy on loopback whose upstream-to-client bytes
 * share one token bucket (a virtual clock every chunk reserves time on), so
 * all connections together get `bytesPerSecond` — a WAN link or an egress
 * limit in front of an upstream registry. Run it as its own process
 * (`node --import tsx throttle-proxy.ts LISTEN_PORT TARGET_PORT BYTES_PER_S`)
 * so the clients' event loop does not pace it.
 */
import net from 'node:net';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const THROTTLE_PROXY_SCRIPT = fileURLToPath(import.meta.url);

export function startThrottleProxy(listenPort: number, targetPort: number, bytesPerSecond: number): net.Server {
  const bytesPerMs = bytesPerSecond / 1000;
  const BURST_MS = 5;
  let nextFree = 0;
  return net
    .createServer((client) => {
      const upstream = net.connect(targetPort, '127.0.0.1');
      client.pipe(upstream);
      let holds = 0;
      const hold = () => {
        if (holds++ === 0) upstream.pause();
      };
      const release = () => {
        if (--holds === 0) upstream.resume();
      };
      upstream.on('data', (chunk: Buffer) => {
        const now = performance.now();
        nextFree = Math.max(now, nextFree) + chunk.length / bytesPerMs;
        if (!client.write(chunk)) {
          hold();
          client.once('drain', release);
        }
        const wait = nextFree - now - BURST_MS;
        if (wait > 0) {
          hold();
          setTimeout(release, wait);
        }
      });
      upstream.on('end', () => client.end());
      const close = () => {
        client.destroy();
        upstream.destroy();
      };
      client.on('error', close);
      upstream.on('error', close);
      client.on('close', close);
    })
    .listen(listenPort, '127.0.0.1');
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [listenPort, targetPort, bytesPerSecond] = process.argv.slice(2).map(Number);
  if (!listenPort || !targetPort || !bytesPerSecond) {
    console.error('usage: throttle-proxy.ts LISTEN_PORT TARGET_PORT BYTES_PER_S');
    process.exit(2);
  }
  startThrottleProxy(listenPort, targetPort, bytesPerSecond);
}
