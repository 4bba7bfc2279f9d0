/**
 * Listens on `count` ports of a loopback address at once, in a separate node
 * process run under the context's wrap (so a test can put it in a network
 * namespace), and says which error the kernel gave when it could not.
 */
import { CommandError, runCommand } from '@seedbed/core';
import type { DoctorContext } from './check.ts';

const PROBE = `
const net = require('node:net');
const [host, count] = process.argv.slice(1);
const servers = [];
const done = (code, message) => { for (const s of servers) s.close(); if (message) console.error(message); process.exit(code); };
const next = () => {
  if (servers.length === Number(count)) return done(0);
  const server = net.createServer();
  server.once('error', (e) => done(1, e.code || e.message));
  server.listen(0, host, () => { servers.push(server); next(); });
};
next();
`;

export interface ProbeResult {
  ok: boolean;
  /** The kernel's error code (EADDRNOTAVAIL, EADDRINUSE, ...) when it failed. */
  error?: string;
}

export async function probeLoopback(ctx: DoctorContext, host: string, count: number): Promise<ProbeResult> {
  const [command, ...args] = [...ctx.wrap, ctx.runtime.execPath, '-e', PROBE, host, String(count)];
  try {
    await runCommand(command!, args, { env: ctx.env });
    return { ok: true };
  } catch (error) {
    // a failed listen is the answer this probe is for
    if (error instanceof CommandError) return { ok: false, error: error.stderr.trim() || `exit ${error.exitCode}` };
    throw error;
  }
}
