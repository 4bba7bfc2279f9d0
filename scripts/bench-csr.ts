#!/usr/bin/env -S npx tsx
/**
 * `npm run bench:csr`: N nodes (default 1000) request kubelet serving
 * certificates at once against a real local IPv6 cluster. Per approver:
 * decision latency p50/p99 (watch event → approval written) and time from
 * the first CSR created until all N certificates are issued by
 * kube-controller-manager. Peer in the same run, same cluster: a naive
 * approver that approves every CSR it sees without any check (what a
 * careless approver costs, and what the checks cost).
 *   BENCH_NODES=N       nodes per run (default 1000)
 *   BENCH_CONCURRENCY=N parallel CSR creations (default 100)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CertificatesV1Api, CoreV1Api, type KubeConfig, type V1CertificateSigningRequest, type V1Node } from '@kubernetes/client-node';
import { LocalProvider, StateStore, loadKindConfig, loadKubeConfig, shippedConfigPath } from '@seedbed/cluster';
import {
  CsrApprover,
  KUBELET_SERVING_SIGNER,
  KUBELET_SERVING_USAGES,
  ResilientInformer,
  buildCertificateRequest,
  percentile,
} from '@seedbed/csr-approver';
import { identityKubeConfig } from '../packages/csr-approver/src/testing/cluster-identity.ts';

const NODES = Number(process.env.BENCH_NODES ?? 1000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 100);

async function pool<T>(items: T[], limit: number, fn: (item: T, i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      await fn(items[i]!, i);
    }
  }));
}

interface Row {
  approver: string;
  nodes: number;
  approved: number;
  denied: number;
  p50: number;
  p99: number;
  allIssuedMs: number;
}

interface Running {
  stop(): Promise<void>;
  latencies(): number[];
  counts(): { approved: number; denied: number };
}

/** The peer: approves whatever kubelet-serving CSR it sees, no checks. */
async function naiveApprover(kc: KubeConfig): Promise<Running> {
  const api = kc.makeApiClient(CertificatesV1Api);
  const latencies: number[] = [];
  let approved = 0;
  const seen = new Set<string>();
  const fieldSelector = `spec.signerName=${KUBELET_SERVING_SIGNER}`;
  const informer = new ResilientInformer<V1CertificateSigningRequest>({
    kubeConfig: kc,
    path: '/apis/certificates.k8s.io/v1/certificatesigningrequests',
    fieldSelector,
    list: () => api.listCertificateSigningRequest({ fieldSelector }),
  });
  informer.on('add', (csr) => {
    const name = csr.metadata!.name!;
    if (seen.has(name) || csr.status?.conditions?.length) return;
    seen.add(name);
    const start = performance.now();
    const body = { ...csr, status: { conditions: [{ type: 'Approved', status: 'True', reason: 'NaiveApproveAll', message: 'approved without checks', lastUpdateTime: new Date() }] } };
    void api.replaceCertificateSigningRequestApproval({ name, body }).then(() => {
      approved++;
      latencies.push(performance.now() - start);
    });
  });
  await informer.start();
  return { stop: () => informer.stop(), latencies: () => latencies, counts: () => ({ approved, denied: 0 }) };
}

async function seedbedApprover(kc: KubeConfig): Promise<Running> {
  const latencies: number[] = [];
  const counts = { approved: 0, denied: 0 };
  const wrapped = new CsrApprover({
    kubeConfig: kc,
    onEvent: (e) => {
      if (e.type !== 'decided') return;
      latencies.push(e.latencyMs);
      if (e.decision.action === 'approve') counts.approved++;
      else counts.denied++;
    },
  });
  await wrapped.start();
  return { stop: () => wrapped.stop(), latencies: () => latencies, counts: () => counts };
}

async function run(label: string, prefix: string, stateDir: string, server: string, admin: KubeConfig, start: (kc: KubeConfig) => Promise<Running>): Promise<Row> {
  const core = admin.makeApiClient(CoreV1Api);
  const names = Array.from({ length: NODES }, (_, i) => `${prefix}-${String(i).padStart(4, '0')}`);
  process.stderr.write(`[${label}] registering ${NODES} nodes…\n`);
  await pool(names, CONCURRENCY, async (name, i) => {
    const node: V1Node = {
      metadata: { name, labels: { 'seedbed.dev/bench': prefix } },
      status: { addresses: [{ type: 'InternalIP', address: `fd00:bec::${(i + 1).toString(16)}` }, { type: 'Hostname', address: name }] },
    };
    await core.createNode({ body: node });
    // node controllers update new Nodes too: read-modify-write until it sticks
    for (let attempt = 0; ; attempt++) {
      const current = await core.readNode({ name });
      try {
        await core.replaceNodeStatus({ name, body: { ...current, status: { ...current.status, addresses: node.status!.addresses } } });
        break;
      } catch (error) {
        if (attempt >= 10 || (error as { code?: number }).code !== 409) throw error;
      }
    }
  });
  process.stderr.write(`[${label}] preparing ${NODES} node identities and CSRs…\n`);
  const prepared: Array<{ kc: KubeConfig; pem: string }> = [];
  await pool(names, 8, async (name, i) => {
    const kc = await identityKubeConfig(stateDir, server, `system:node:${name}`, ['system:nodes']);
    const { csrPem } = await buildCertificateRequest({ commonName: `system:node:${name}`, organizations: ['system:nodes'], dnsNames: [name], ipAddresses: [`fd00:bec::${(i + 1).toString(16)}`] });
    prepared[i] = { kc, pem: csrPem };
  });

  const certs = admin.makeApiClient(CertificatesV1Api);
  const mine = new Set<string>();
  const issued = new Set<string>();
  let allIssued!: () => void;
  const done = new Promise<void>((resolve) => (allIssued = resolve));
  const fieldSelector = `spec.signerName=${KUBELET_SERVING_SIGNER}`;
  const watcher = new ResilientInformer<V1CertificateSigningRequest>({
    kubeConfig: admin,
    path: '/apis/certificates.k8s.io/v1/certificatesigningrequests',
    fieldSelector,
    list: () => certs.listCertificateSigningRequest({ fieldSelector }),
  });
  const onChange = (csr: V1CertificateSigningRequest) => {
    const name = csr.metadata!.name!;
    if (!name.startsWith(`${prefix}-`) || !csr.status?.certificate) return;
    issued.add(name);
    if (issued.size === NODES) allIssued();
  };
  watcher.on('add', onChange);
  watcher.on('update', onChange);
  await watcher.start();
  const approver = await start(admin);

  process.stderr.write(`[${label}] ${NODES} nodes request serving certificates at once…\n`);
  const t0 = performance.now();
  await pool(prepared, CONCURRENCY, async ({ kc, pem }, i) => {
    const name = `${names[i]}-serving`;
    mine.add(name);
    await kc.makeApiClient(CertificatesV1Api).createCertificateSigningRequest({
      body: { metadata: { name }, spec: { request: Buffer.from(pem).toString('base64'), signerName: KUBELET_SERVING_SIGNER, usages: [...KUBELET_SERVING_USAGES] } },
    });
  });
  const timeout = new Promise<void>((_, reject) => setTimeout(() => reject(new Error(`only ${issued.size}/${NODES} issued after 120 s`)), 120_000).unref());
  await Promise.race([done, timeout]);
  const allIssuedMs = performance.now() - t0;
  await approver.stop();
  await watcher.stop();
  const sorted = approver.latencies().sort((a, b) => a - b);
  const row: Row = { approver: label, nodes: NODES, ...approver.counts(), p50: percentile(sorted, 50), p99: percentile(sorted, 99), allIssuedMs };
  process.stderr.write(`[${label}] done: ${JSON.stringify(row)}\n`);
  return row;
}

const root = mkdtempSync(join(tmpdir(), 'seedbed-bench-csr-'));
const provider = new LocalProvider(new StateStore(root));
const rows: Row[] = [];
try {
  const config = await loadKindConfig(shippedConfigPath('ipv6'), 'bench-csr');
  const info = await provider.create(config);
  const admin = loadKubeConfig(info.kubeconfigPath);
  rows.push(await run('seedbed csr-approver (watch, all checks)', 'seedbed', info.stateDir!, info.server, admin, seedbedApprover));
  rows.push(await run('naive approve-everything (watch, no checks)', 'naive', info.stateDir!, info.server, admin, naiveApprover));
} finally {
  for (const name of await provider.list().then((l) => l.map((c) => c.name))) await provider.delete(name).catch(() => {});
  rmSync(root, { recursive: true, force: true });
}

const ms = (n: number) => `${n.toFixed(1)} ms`;
const header = ['approver', 'nodes', 'approved', 'denied', 'decision p50', 'decision p99', 'all certificates issued'];
const table = [header, ...rows.map((r) => [r.approver, String(r.nodes), String(r.approved), String(r.denied), ms(r.p50), ms(r.p99), `${(r.allIssuedMs / 1000).toFixed(2)} s`])];
const widths = header.map((_, c) => Math.max(...table.map((row) => row[c]!.length)));
const line = (row: string[]) => `| ${row.map((cell, c) => cell.padEnd(widths[c]!)).join(' | ')} |`;
console.log([line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...table.slice(1).map(line)].join('\n'));
