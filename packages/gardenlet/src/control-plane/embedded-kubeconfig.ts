/** A kubeconfig with its certificates inlined, for Secrets (files on the seed host are not portable). */
import { readFile } from 'node:fs/promises';
import { stringify } from 'yaml';

export async function embeddedKubeconfig(name: string, server: string, files: { ca: string; cert: string; key: string }): Promise<string> {
  const b64 = async (path: string) => (await readFile(path)).toString('base64');
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name, cluster: { server, 'certificate-authority-data': await b64(files.ca) } }],
    users: [{ name: `${name}-admin`, user: { 'client-certificate-data': await b64(files.cert), 'client-key-data': await b64(files.key) } }],
    contexts: [{ name, context: { cluster: name, user: `${name}-admin` } }],
    'current-context': name,
  });
}
