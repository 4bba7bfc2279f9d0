/** `seedbed doctor`: checks every prerequisite, each ✓ or ✗ with the fix; non-zero exit when one fails. */
import { Command } from 'commander';
import { LOCAL_CLUSTER_BINARIES } from '@seedbed/binaries';
import { CHECKS, defaultContext } from '../doctor/checks.ts';
import { formatOutcome, runChecks } from '../doctor/doctor.ts';

export function doctorCommand(): Command {
  return new Command('doctor')
    .description('check the prerequisites (runtime, go, IPv6 loopback, ports, disk, binaries, container engine, Debian packages), each with its fix')
    .option('--quick', 'only the checks that take about a second and a local landscape needs (run before `npm start`)')
    .option('--only <names>', 'comma-separated check names')
    .action(async (options: { quick?: boolean; only?: string }) => {
      const only = options.only?.split(',').map((s) => s.trim().toLowerCase());
      const unknown = only?.filter((n) => !CHECKS.some((c) => c.name.toLowerCase() === n)) ?? [];
      if (unknown.length) throw new Error(`no such check: ${unknown.join(', ')} (checks: ${CHECKS.map((c) => c.name).join(', ')})`);
      const checks = CHECKS.filter((c) => (!options.quick || c.quick) && (!only || only.includes(c.name.toLowerCase())));
      const ctx = defaultContext(options.quick ? { binaries: LOCAL_CLUSTER_BINARIES } : {});
      const outcomes = await runChecks(checks, ctx, { onResult: (o) => console.error(formatOutcome(o)) });
      const failed = outcomes.filter((o) => !o.ok);
      if (failed.length) {
        console.error(`doctor: ${failed.length} of ${outcomes.length} checks failed (${failed.map((o) => o.name).join(', ')})`);
        process.exitCode = 1;
      } else if (!options.quick) {
        console.error(`doctor: all ${outcomes.length} checks passed`);
      }
    });
}
