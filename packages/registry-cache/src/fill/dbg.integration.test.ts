import { randomBytes } from 'node:crypto';
import { it } from 'vitest';
import { startCache } from '../testing/cache-under-test.ts';
import { FaultUpstream } from '../testing/fault-upstream.ts';
import { request } from '../testing/http-client.ts';
it('dbg', async () => {
  const upstream = await new FaultUpstream().start();
  const data = randomBytes(1024 * 1024);
  const digest = upstream.addBlob(data);
  const cache = await startCache({ upstreams: [{ name: 'registry.test', url: upstream.url }] });
  upstream.blobFault = { kind: 'slow', chunkBytes: 64 * 1024, delayMs: 25 };
  const t0 = performance.now();
  const r = await request(`${cache.url}/v2/team/app/blobs/${digest}?ns=registry.test`, { headers: { range: 'bytes=1000-1999' } });
  console.log(r.status, r.firstByteAt! - t0, r.endAt - t0, upstream.blobFinishedAt, upstream.requests, cache.server.fills.get(digest)?.state, cache.logs);
  await new Promise((res) => setTimeout(res, 600));
  console.log(upstream.blobFinishedAt, cache.server.fills.get(digest)?.state);
  await cache.stop(); await upstream.stop();
});
