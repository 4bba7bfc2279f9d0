/**
 * A Seed's networks in every family. In Gardener's dual-stack form each of a
 * Seed's `nodes`, `pods` and `services` (and its `shootDefaults`) lists one
 * CIDR per family, comma-separated, in the order of `ipFamilies` — as
 * kube-controller-manager's and kind's dual-stack settings do:
 *
 *   networks: { ipFamilies: [IPv4, IPv6], pods: 10.0.0.0/15,fd00:10:1::/48, … }
 */
/** The CIDRs of one comma-separated network field (none when unset). */
export function splitCidrs(text: string | undefined): string[] {
  return (text ?? '').split(',').map((c) => c.trim()).filter((c) => c !== '');
}
