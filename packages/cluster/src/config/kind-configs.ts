/** The kind configs shipped in kind-configs/, shared by every provider. */
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

export const KIND_CONFIGS_DIR = fileURLToPath(new URL('../../../../kind-configs/', import.meta.url));
export const SHIPPED_CONFIGS = ['ipv4', 'ipv6', 'dual-stack', 'dual-stack-ipv6-primary'] as const;
export type ShippedConfig = (typeof SHIPPED_CONFIGS)[number];
/** The embedded default: dual-stack, IPv4 primary. */
export const DEFAULT_CONFIG: ShippedConfig = 'dual-stack';

export function shippedConfigPath(name: ShippedConfig): string {
  return join(KIND_CONFIGS_DIR, `${name}.yaml`);
}
