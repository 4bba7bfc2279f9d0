import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeRaw, LocalProvider, StateStore, loadKindConfig, loadKubeConfig, shippedConfigPath } from '@seedbed/cluster';
import { installGardenerApi, installLocalLandscape } from '@seedbed/gardener-api';
import { Gardenlet, ShootScheduler } from '@seedbed/gardenlet';
const root = mkdtempSync(join(tmpdir(), 'shoot-smoke-'));
const provider = new LocalProvider(new StateStore(root));
const config = await loadKindConfig(shippedConfigPath('dual-stack'), 'garden');
const info = await provider.create(config);
const t0 = performance.now();
await installGardenerApi(info.kubeconfigPath);
await installLocalLandscape(info.kubeconfigPath, config);
const scheduler = new ShootScheduler(info.kubeconfigPath); await scheduler.start();
const gardenlet = new Gardenlet({ seedName: 'local', kubeconfigPath: info.kubeconfigPath, stateDir: root, onFlowEvent: (k, e) => e.type !== 'progress' && console.log(k, e.type, 'task' in e ? e.task : '') });
await gardenlet.start();
const raw = new KubeRaw(loadKubeConfig(info.kubeconfigPath));
for (const [name, fam] of [['v4', ['IPv4']], ['v6', ['IPv6']], ['dual', ['IPv4','IPv6']]] as const) {
  await raw.create({ apiVersion: 'core.gardener.cloud/v1beta1', kind: 'Shoot', metadata: { name, namespace: 'garden-local' }, spec: { cloudProfileName: 'local', region: 'local', networking: { type: 'calico', ipFamilies: [...fam] }, provider: { type: 'local', workers: [{ name: 'w', minimum: 1, maximum: 2 }] } } }, 'shoots');
}
for (let i = 0; i < 60; i++) {
  await new Promise(r => setTimeout(r, 1000));
  const shoots = (await raw.get<any>('/apis/core.gardener.cloud/v1beta1/shoots')).items;
  const line = shoots.map((s: any) => `${s.metadata.name}:${s.status?.lastOperation?.state}/${s.status?.lastOperation?.progress} ${s.metadata.labels?.['shoot.gardener.cloud/status']} ${(s.status?.conditions ?? []).map((c: any) => c.status[0]).join('')}`).join(' | ');
  console.log(((performance.now()-t0)/1000).toFixed(1), line);
  if (shoots.every((s: any) => s.metadata.labels?.['shoot.gardener.cloud/status'] === 'healthy')) break;
}
const shoots = (await raw.get<any>('/apis/core.gardener.cloud/v1beta1/shoots')).items;
console.log(JSON.stringify(shoots.map((s: any) => ({ n: s.metadata.name, errors: s.status?.lastErrors, conds: s.status?.conditions?.map((c: any) => c.type + '=' + c.status + ':' + c.message) })), null, 1));
await gardenlet.stop(); await scheduler.stop();
await gardenlet.stopAllControlPlanes(['shoot--local--v4', 'shoot--local--v6', 'shoot--local--dual']);
await provider.delete('garden');
