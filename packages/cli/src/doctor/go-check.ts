/**
 * Go, only when a build is needed: some binary the run needs is neither in
 * SEEDBED_BIN_DIR nor in the cache. The tools/ modules need go ≥ 1.26.
 */
import { CommandError, runCommand } from '@seedbed/core';
import { uncachedTools } from '@seedbed/binaries';
import { fail, ok, type Check, type DoctorContext } from './check.ts';

export const MIN_GO = [1, 26] as const;

export async function checkGo(ctx: DoctorContext) {
  const missing = uncachedTools(ctx.binaries, ctx.env);
  if (missing.length === 0) return ok('not needed: every binary is cached or in SEEDBED_BIN_DIR');
  const what = missing.map(({ tool, version }) => `${tool.module} ${version}`).join(', ');
  const fix = `install Go ≥ ${MIN_GO.join('.')} and put it on PATH (e.g. export PATH=$PATH:/usr/local/go/bin), or set SEEDBED_BIN_DIR to a directory holding the binaries`;
  let goVersion: string;
  try {
    goVersion = (await runCommand('go', ['env', 'GOVERSION'], { env: ctx.env })).stdout.trim();
  } catch (error) {
    // no go on PATH is the answer this check is for
    if (!(error instanceof CommandError)) throw error;
    return fail(`needed to build ${what}, but \`go\` is not on PATH`, fix);
  }
  const [major = 0, minor = 0] = goVersion.replace(/^go/, '').split('.').map(Number);
  if (major < MIN_GO[0] || (major === MIN_GO[0] && minor < MIN_GO[1])) return fail(`${goVersion} is too old to build ${what}`, fix);
  return ok(`${goVersion} builds ${what} on the first run`);
}

export const goCheck: Check = { name: 'go', quick: true, run: checkGo };
