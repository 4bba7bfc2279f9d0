/** Test helper: skopeo against loopback registries (plain HTTP, no TLS verification). */
import { runCommand } from '@seedbed/core';

export async function pushLayout(layoutDir: string, tag: string, destination: string): Promise<void> {
  await runCommand('skopeo', ['copy', '--quiet', '--preserve-digests', '--dest-tls-verify=false', `oci:${layoutDir}:${tag}`, `docker://${destination}`]);
}

export async function copyToLayout(source: string, layoutDir: string, tag: string): Promise<void> {
  await runCommand('skopeo', ['copy', '--quiet', '--preserve-digests', '--src-tls-verify=false', `docker://${source}`, `oci:${layoutDir}:${tag}`]);
}

export async function inspect(source: string, raw = false): Promise<string> {
  const { stdout } = await runCommand('skopeo', ['inspect', '--tls-verify=false', ...(raw ? ['--raw'] : []), `docker://${source}`]);
  return stdout;
}
