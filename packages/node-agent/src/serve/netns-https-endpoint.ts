/**
 * HTTPS for a node whose addresses live in a network namespace of their own
 * (`ip netns add`), the way a real kubelet listens in its node's network:
 * the listener runs in a child process started with `ip netns exec <netns>`,
 * so it binds the node's addresses inside that namespace, and clients reach
 * it only through the namespace's links. The agent itself stays in this
 * process (it talks to the API server on this machine's loopback, which a
 * namespace cannot reach) and hands each issued certificate and key to the
 * listener over the child's IPC channel — nothing else crosses.
 *
 * The child exits when told to, and on its own when the IPC channel closes,
 * so a crashed agent does not leave a listener behind.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { SeedbedError, killGroup } from '@seedbed/core';
import type { ListenResult, ServingEndpoint } from './serving-endpoint.ts';
import type { ListenerReply, ListenerRequest } from './netns-listener-main.ts';

const LISTENER_MAIN = fileURLToPath(new URL('./netns-listener-main.ts', import.meta.url));
const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
export const LISTENER_STOP_GRACE_MS = 5_000;

export class NetnsHttpsEndpoint implements ServingEndpoint {
  private child: ChildProcess | undefined;
  private exited: Promise<void> | undefined;
  private stderr = '';
  private current: string[] = [];
  private pending: Array<{ resolve: (r: ListenResult) => void; reject: (e: Error) => void }> = [];

  constructor(
    readonly netns: string,
    private readonly port: number,
  ) {}

  /** The listener's pid (a process inside the namespace), once started. */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  get listening(): string[] {
    return [...this.current];
  }

  async update(addresses: readonly string[], cert: string, key: string): Promise<ListenResult> {
    const child = this.child ?? this.start();
    const reply = new Promise<ListenResult>((resolve, reject) => this.pending.push({ resolve, reject }));
    const request: ListenerRequest = { type: 'update', port: this.port, addresses: [...addresses], cert, key };
    child.send(request);
    const result = await reply;
    this.current = result.listening;
    return result;
  }

  async close(): Promise<void> {
    const child = this.child;
    if (!child || !this.exited) return;
    if (child.connected) child.send({ type: 'close' } satisfies ListenerRequest);
    const timer = setTimeout(() => child.pid && killGroup(child.pid, 'SIGKILL'), LISTENER_STOP_GRACE_MS);
    await this.exited;
    clearTimeout(timer);
    this.current = [];
  }

  private start(): ChildProcess {
    const child = spawn('ip', ['netns', 'exec', this.netns, process.execPath, '--import', 'tsx', LISTENER_MAIN], {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      detached: true,
    });
    this.child = child;
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (this.stderr = (this.stderr + chunk).slice(-4_000)));
    child.on('message', (message: ListenerReply) => {
      const waiter = this.pending.shift();
      if (message.type === 'result') waiter?.resolve(message.result);
      else waiter?.reject(new SeedbedError('LISTENER_FAILED', `HTTPS listener in network namespace ${this.netns}: ${message.message}`));
    });
    this.exited = new Promise((resolve) => {
      const gone = (why: string) => {
        for (const waiter of this.pending.splice(0)) {
          waiter.reject(new SeedbedError('LISTENER_EXITED', `HTTPS listener in network namespace ${this.netns} ${why}${this.stderr ? `:\n${this.stderr.trim()}` : ''}`));
        }
        this.current = [];
        resolve();
      };
      child.on('error', (error) => gone(`could not start (${error.message})`));
      child.on('exit', (code, signal) => gone(`exited (${signal ?? `code ${code}`})`));
    });
    return child;
  }
}
