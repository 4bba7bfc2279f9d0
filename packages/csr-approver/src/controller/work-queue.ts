/**
 * A keyed work queue like client-go's: a key waits at most once, a key being
 * processed is not handed to a second worker (it is queued again after), and
 * each key remembers when it was first queued so decision latency can be
 * measured from the event that caused it.
 */
export class WorkQueue {
  private readonly queue: string[] = [];
  private readonly queuedAt = new Map<string, number>();
  private readonly processing = new Set<string>();
  private readonly dirty = new Map<string, number>();
  private readonly waiters: Array<(key: string | undefined) => void> = [];
  private closed = false;

  constructor(private readonly now: () => number) {}

  add(key: string): void {
    if (this.closed) return;
    if (this.processing.has(key)) {
      if (!this.dirty.has(key)) this.dirty.set(key, this.now());
      return;
    }
    if (this.queuedAt.has(key)) return;
    this.queuedAt.set(key, this.now());
    const waiter = this.waiters.shift();
    if (waiter) this.hand(key, waiter);
    else this.queue.push(key);
  }

  /** The next key and when it was queued; undefined once the queue is shut down. */
  async next(): Promise<{ key: string; queuedAt: number } | undefined> {
    let key = this.queue.shift();
    if (key !== undefined) this.processing.add(key);
    else if (this.closed) return undefined;
    else key = await new Promise<string | undefined>((resolve) => this.waiters.push(resolve)); // hand() marks it processing
    if (key === undefined) return undefined;
    const queuedAt = this.queuedAt.get(key)!;
    this.queuedAt.delete(key);
    return { key, queuedAt };
  }

  /** Marks a key processed; a key added meanwhile is queued again. */
  done(key: string): void {
    this.processing.delete(key);
    const again = this.dirty.get(key);
    if (again === undefined) return;
    this.dirty.delete(key);
    this.queuedAt.set(key, again);
    const waiter = this.waiters.shift();
    if (waiter) this.hand(key, waiter);
    else this.queue.push(key);
  }

  get length(): number {
    return this.queue.length;
  }

  shutDown(): void {
    this.closed = true;
    for (const waiter of this.waiters.splice(0)) waiter(undefined);
  }

  private hand(key: string, waiter: (key: string) => void): void {
    this.processing.add(key);
    waiter(key);
  }
}
