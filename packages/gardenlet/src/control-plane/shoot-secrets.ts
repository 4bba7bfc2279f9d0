/**
 * A shoot's certificates live in its seed namespace as a Secret (the source of
 * truth, as in Gardener); the files a process needs are written from it. A
 * restarted gardenlet restores them instead of issuing new ones.
 */
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { KubeRaw, createClusterPki, isStatusCode, pkiPaths, type ClusterConfig, type ClusterPki } from '@seedbed/cluster';

export const PKI_SECRET = 'seedbed-shoot-pki';
export const KUBECONFIG_SECRET = 'kubeconfig';

interface SecretObject {
  data?: Record<string, string>;
}

const secretPath = (namespace: string, name: string) => `/api/v1/namespaces/${namespace}/secrets/${name}`;

export async function readSecret(raw: KubeRaw, namespace: string, name: string): Promise<Record<string, string> | undefined> {
  try {
    const secret = await raw.get<SecretObject>(secretPath(namespace, name));
    return Object.fromEntries(Object.entries(secret.data ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')]));
  } catch (error) {
    if (isStatusCode(error, 404)) return undefined;
    throw error;
  }
}

export async function writeSecret(raw: KubeRaw, namespace: string, name: string, files: Record<string, string>, labels: Record<string, string> = {}): Promise<void> {
  await raw.apply({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name, namespace, labels: { 'app.kubernetes.io/managed-by': 'seedbed-gardenlet', ...labels } },
    type: 'Opaque',
    data: Object.fromEntries(Object.entries(files).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
  });
}

/** createPki for the launcher: restore from the Secret when present, else issue and store. */
export function persistentPki(raw: KubeRaw, namespace: string, config: ClusterConfig): (dir: string) => Promise<ClusterPki> {
  return async (dir) => {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const stored = await readSecret(raw, namespace, PKI_SECRET);
    if (stored) {
      for (const [file, content] of Object.entries(stored)) await writeFile(join(dir, file), content, { mode: 0o600 });
      return pkiPaths(dir);
    }
    const pki = await createClusterPki(config, dir);
    const files: Record<string, string> = {};
    for (const file of await readdir(dir)) files[file] = await readFile(join(dir, file), 'utf8');
    await writeSecret(raw, namespace, PKI_SECRET, files);
    return pki;
  };
}
