/** The fills in flight, by digest: a second request for the same blob joins the running fill. */
import type { IncomingMessage } from 'node:http';
import type { BlobStore } from '../storage/blob-store.ts';
import { BlobFill } from './blob-fill.ts';

export class FillRegistry {
  private readonly fills = new Map<string, BlobFill>();
  private readonly store: BlobStore;
  private readonly onChange?: (inFlight: number) => void;

  constructor(store: BlobStore, onChange?: (inFlight: number) => void) {
    this.store = store;
    this.onChange = onChange;
  }

  get(digest: string): BlobFill | undefined {
    return this.fills.get(digest);
  }

  get size(): number {
    return this.fills.size;
  }

  /** Returns the running fill for `digest`, or starts one with `open`; `started` tells which. */
  start(digest: string, upstream: string, open: () => Promise<IncomingMessage>): { fill: BlobFill; started: boolean } {
    const running = this.fills.get(digest);
    if (running) return { fill: running, started: false };
    const fill = new BlobFill(digest, upstream, this.store.newTempPath());
    this.fills.set(digest, fill);
    this.onChange?.(this.fills.size);
    void fill.run(open, this.store).finally(() => {
      this.fills.delete(digest);
      this.onChange?.(this.fills.size);
    });
    return { fill, started: true };
  }

  /** Waits for every running fill to settle. */
  async settle(): Promise<void> {
    await Promise.allSettled([...this.fills.values()].map((f) => f.done));
  }
}
