/**
 * The HTTPS listener a NetnsHttpsEndpoint starts inside a node's network
 * namespace (`ip netns exec <netns> node --import tsx netns-listener-main.ts`):
 * an HttpsEndpoint driven over the IPC channel. Each `update` message sets
 * certificate, key and addresses and is answered with the ListenResult;
 * `close`, or the parent going away, closes the listeners and exits.
 */
import { HttpsEndpoint } from './https-endpoint.ts';
import type { ListenResult } from './serving-endpoint.ts';

export type ListenerRequest = { type: 'update'; port: number; addresses: string[]; cert: string; key: string } | { type: 'close' };
export type ListenerReply = { type: 'result'; result: ListenResult } | { type: 'error'; message: string };

if (process.send) {
  let endpoint: HttpsEndpoint | undefined;
  let work = Promise.resolve();
  const exit = () => {
    work = work.then(async () => {
      await endpoint?.close();
      process.exit(0);
    });
  };
  process.on('message', (message: ListenerRequest) => {
    if (message.type === 'close') return exit();
    work = work.then(async () => {
      try {
        endpoint ??= new HttpsEndpoint(message.port);
        process.send!({ type: 'result', result: await endpoint.update(message.addresses, message.cert, message.key) } satisfies ListenerReply);
      } catch (error) {
        process.send!({ type: 'error', message: (error as Error).message } satisfies ListenerReply);
      }
    });
  });
  process.on('disconnect', exit);
}
