/**
 * IPv6 on loopback (IPv6-only and dual-stack clusters bind ::1) and the
 * loopback ports a run needs at once: enough ephemeral ports in the kernel's
 * range, and listening on them on 127.0.0.1 and ::1.
 */
import { readFileSync } from 'node:fs';
import { fail, ok, type Check, type DoctorContext } from './check.ts';
import { probeLoopback } from './loopback-probe.ts';

export const IPV6_FIX =
  'sysctl -w net.ipv6.conf.all.disable_ipv6=0 net.ipv6.conf.lo.disable_ipv6=0 (persist it in /etc/sysctl.d/); in a container start it with --sysctl net.ipv6.conf.all.disable_ipv6=0';

export async function checkIpv6(ctx: DoctorContext) {
  const probe = await probeLoopback(ctx, '::1', 1);
  return probe.ok ? ok('::1 accepts listeners') : fail(`cannot listen on ::1 (${probe.error})`, IPV6_FIX);
}

export async function checkPorts(ctx: DoctorContext) {
  const [low = 0, high = 0] = readFileSync(ctx.portRangeFile, 'utf8').trim().split(/\s+/).map(Number);
  const size = high - low + 1;
  const widen = `sysctl -w net.ipv4.ip_local_port_range="32768 60999"`;
  if (size < ctx.ports) return fail(`only ${size} ephemeral ports (${low}–${high}); a run needs ${ctx.ports} at once`, widen);
  for (const host of ['127.0.0.1', '::1']) {
    const probe = await probeLoopback(ctx, host, ctx.ports);
    if (!probe.ok) {
      const fix = host === '::1' ? IPV6_FIX : 'free the ports old runs hold (npx seedbed down), or widen net.ipv4.ip_local_port_range';
      return fail(`cannot listen on ${ctx.ports} ports of ${host} (${probe.error})`, fix);
    }
  }
  return ok(`${ctx.ports} ports listen on 127.0.0.1 and ::1 (range ${low}–${high})`);
}

export const ipv6Check: Check = { name: 'IPv6 on loopback', quick: true, run: checkIpv6 };
export const portsCheck: Check = { name: 'ports', quick: true, run: checkPorts };
