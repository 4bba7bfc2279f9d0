#!/usr/bin/env -S npx tsx
/**
 * `npm run bench:csr`: N nodes (default 1000) request kubelet serving
 * certificates at once against a real local IPv6 cluster. Per approver:
 * decision latency p50/p99 (from the watch event that queued a CSR to its
 * Approved condition written, measured inside the approver) and time from
 * the first CSR created until all N certificates are issued by
 * kube-controller-manager. Peer in the same run, same cluster: a naive
 * approver that approves every CSR it sees without any check.
 *
 * Deployed as a real approver is: each approver runs in a process of its
 * own (this script re-runs itself with BENCH_ROLE=approver), away from the
 * 1000 simulated node clients; it authenticates as its own user
 * (seedbed:csr-approver, client certificate) with its RBAC, and API Priority
 * and Fairness gives that user a priority level of its own
 * (`csr-approver rbac --flow-control`). Alongside the latency: its parts
 * (work-queue wait, decide + write), the approver's event-loop delay, and
 * the API server's own duration for the approval writes (its metrics).
 *   BENCH_NODES=N       nodes per run (default 1000)
 *   BENCH_CONCURRENCY=N parallel CSR creations (default 100)
 *   BENCH_WORKERS=N     the seedbed approver's workers (default its DEFAULT_WORKERS)
 *   BENCH_APPROVER_PROFILE=DIR  write a V8 CPU profile of each approver process there
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { CertificatesV1Api, CoreV1Api, FlowcontrolApiserverV1Api, RbacAuthorizationV1Api, type KubeConfig, type V1CertificateSigningRequest, type V1FlowSchema, type V1Node, type V1PriorityLevelConfiguration } from '@kubernetes/client-node';
import { LocalProvider, StateStore, loadKindConfig, loadKubeConfig, shippedConfigPath } from '@seedbed/cluster';
import { APPROVER_PRIORITY_LEVEL, CsrApprover, DEFAULT_WORKERS, KUBELET_SERVING_SIGNER, KUBELET_SERVING_USAGES, ResilientInformer, approverFlowControl, approverRbac, buildCertificateRequest, percentile } from '@seedbed/csr-approver';
import { identityKubeConfig } from '../packages/csr-approver/src/testing/cluster-identity.ts';
import { approvalWriteHistogram, classifiedFlowSchema, flowControlWaitHistogram, type Histogram } from '../packages/csr-approver/src/testing/apiserver-metrics.ts';

const NODES = Number(process.env.BENCH_NODES ?? 1000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 100);
const WORKERS = Number(process.env.BENCH_WORKERS ?? DEFAULT_WORKERS);
const APPROVER_USER = 'seedbed:csr-approver';
type Kind = 'seedbed' | 'naive';

interface Report {
  approved: number;
  latencies: number[];
  waits: number[];
  works: number[];
  loopP99: number;
  loopMax: number;
}
type ToApprover = { type: 'burst' } | { type: 'stop' };
type FromApprover = { type: 'ready' } | { type: 'report'; report: Report };

async function pool<T>(items: T[], limit: number, fn: (item: T, i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      await fn(items[i]!, i);
    }
  }));
}

// ---- the approver process -------------------------------------------------

/** The peer: approves whatever kubelet-serving CSR it sees, no checks, no queue (event → write). */
async function naiveApprover(kc: KubeConfig, report: Report): Promise<() => Promise<void>> {
  const api = kc.makeApiClient(CertificatesV1Api);
  const seen = new Set<string>();
  const fieldSelector = `spec.signerName=${KUBELET_SERVING_SIGNER}`;
  const informer = new ResilientInformer<V1CertificateSigningRequest>({ kubeConfig: kc, path: '/apis/certificates.k8s.io/v1/certificatesigningrequests', fieldSelector, list: () => api.listCertificateSigningRequest({ fieldSelector }) });
  informer.on('add', (csr) => {
    const name = csr.metadata!.name!;
    if (seen.has(name) || csr.status?.conditions?.length) return;
    seen.add(name);
    const start = performance.now();
    const body = { ...csr, status: { conditions: [{ type: 'Approved', status: 'True', reason: 'NaiveApproveAll', message: 'approved without checks', lastUpdateTime: new Date() }] } };
    void api.replaceCertificateSigningRequestApproval({ name, body }).then(() => {
      const ms = performance.now() - start;
      report.approved++;
      report.latencies.push(ms);
      report.waits.push(0);
      report.works.push(ms);
    });
  });
  await informer.start();
  return () => informer.stop();
}

async function seedbedApprover(kc: KubeConfig, report: Report): Promise<() => Promise<void>> {
  const approver = new CsrApprover({
    kubeConfig: kc,
    workers: WORKERS,
    onEvent: (e) => {
      if (e.type !== 'decided' || e.decision.action !== 'approve') return;
      report.approved++;
      report.latencies.push(e.latencyMs);
      report.waits.push(e.waitMs);
      report.works.push(e.workMs);
    },
  });
  await approver.start();
  return () => approver.stop();
}

async function approverProcess(kind: Kind, kubeconfig: string): Promise<void> {
  const report: Report = { approved: 0, latencies: [], waits: [], works: [], loopP99: 0, loopMax: 0 };
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  const stop = await (kind === 'seedbed' ? seedbedApprover : naiveApprover)(loadKubeConfig(kubeconfig), report);
  process.on('message', (message: ToApprover) => {
    if (message.type === 'burst') return loop.reset();
    report.loopP99 = loop.percentile(99) / 1e6;
    report.loopMax = loop.max / 1e6;
    void stop().then(() => {
      process.send!({ type: 'report', report } satisfies FromApprover, () => process.exit(0));
    });
  });
  process.send!({ type: 'ready' } satisfies FromApprover);
}

// ---- the benchmark process --------------------------------------------------

function startApprover(kind: Kind, kubeconfig: string): Promise<{ send(m: ToApprover): void; report(): Promise<Report>; end(): Promise<void> }> {
  const profile = process.env.BENCH_APPROVER_PROFILE ? ['--cpu-prof', '--cpu-prof-dir', process.env.BENCH_APPROVER_PROFILE] : [];
  const child = spawn(process.execPath, [...profile, '--import', 'tsx', fileURLToPath(import.meta.url)], {
    env: { ...process.env, BENCH_ROLE: 'approver', BENCH_APPROVER: kind, BENCH_KUBECONFIG: kubeconfig },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const reported = new Promise<Report>((resolve, reject) => {
    child.on('message', (m: FromApprover) => m.type === 'report' && resolve(m.report));
    child.on('exit', (code) => reject(new Error(`${kind} approver exited (code ${code}) before reporting`)));
  });
  reported.catch(() => {});
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  let reportedOrStopped = false;
  void reported.then(() => (reportedOrStopped = true), () => {});
  /** Lets it exit on its own (a CPU profile is written then); killed if it has not after 10 s. */
  const end = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    if (!reportedOrStopped) child.kill('SIGTERM');
    await exited;
    clearTimeout(timer);
  };
  return new Promise((resolve, reject) => {
    child.on('exit', (code) => reject(new Error(`${kind} approver exited (code ${code}) before it was ready`)));
    child.on('message', (m: FromApprover) => {
      if (m.type === 'ready') resolve({ send: (msg) => child.send(msg), report: () => reported, end });
    });
  });
}

interface Row {
  approver: string;
  approved: number;
  p50: number;
  p99: number;
  allIssuedMs: number;
  waitP99: number;
  workP50: number;
  workP99: number;
  loopP99: number;
  serverP50: string;
  serverP99: string;
  apfApproverP99: string;
  apfNodesP99: string;
}

/** The API server's view: approval writes, and APF queueing of the approver's and the nodes' priority levels. */
async function serverView(admin: KubeConfig): Promise<Histogram[]> {
  return Promise.all([approvalWriteHistogram(admin), flowControlWaitHistogram(admin, APPROVER_PRIORITY_LEVEL), flowControlWaitHistogram(admin, 'system')]);
}

async function run(kind: Kind, label: string, stateDir: string, server: string, admin: KubeConfig, approverKubeconfig: string): Promise<Row> {
  const core = admin.makeApiClient(CoreV1Api);
  const names = Array.from({ length: NODES }, (_, i) => `${kind}-${String(i).padStart(4, '0')}`);
  const ip = (i: number) => `fd00:bec::${(i + 1).toString(16)}`;
  process.stderr.write(`[${label}] registering ${NODES} nodes…\n`);
  await pool(names, CONCURRENCY, async (name, i) => {
    const node: V1Node = { metadata: { name, labels: { 'seedbed.dev/bench': kind } }, status: { addresses: [{ type: 'InternalIP', address: ip(i) }, { type: 'Hostname', address: name }] } };
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
    const { csrPem } = await buildCertificateRequest({ commonName: `system:node:${name}`, organizations: ['system:nodes'], dnsNames: [name], ipAddresses: [ip(i)] });
    prepared[i] = { kc, pem: csrPem };
  });

  const certs = admin.makeApiClient(CertificatesV1Api);
  const issued = new Set<string>();
  let allIssued!: () => void;
  const done = new Promise<void>((resolve) => (allIssued = resolve));
  const fieldSelector = `spec.signerName=${KUBELET_SERVING_SIGNER}`;
  const watcher = new ResilientInformer<V1CertificateSigningRequest>({ kubeConfig: admin, path: '/apis/certificates.k8s.io/v1/certificatesigningrequests', fieldSelector, list: () => certs.listCertificateSigningRequest({ fieldSelector }) });
  const onChange = (csr: V1CertificateSigningRequest) => {
    const name = csr.metadata!.name!;
    if (!name.startsWith(`${kind}-`) || !csr.status?.certificate) return;
    issued.add(name);
    if (issued.size === NODES) allIssued();
  };
  watcher.on('add', onChange);
  watcher.on('update', onChange);
  await watcher.start();
  const approver = await startApprover(kind, approverKubeconfig);
  try {
    const serverBefore = await serverView(admin);
    process.stderr.write(`[${label}] ${NODES} nodes request serving certificates at once…\n`);
    approver.send({ type: 'burst' });
    const t0 = performance.now();
    await pool(prepared, CONCURRENCY, async ({ kc, pem }, i) => {
      await kc.makeApiClient(CertificatesV1Api).createCertificateSigningRequest({
        body: { metadata: { name: `${names[i]}-serving` }, spec: { request: Buffer.from(pem).toString('base64'), signerName: KUBELET_SERVING_SIGNER, usages: [...KUBELET_SERVING_USAGES] } },
      });
    });
    const timeout = new Promise<void>((_, reject) => setTimeout(() => reject(new Error(`only ${issued.size}/${NODES} issued after 120 s`)), 120_000).unref());
    await Promise.race([done, timeout]);
    const allIssuedMs = performance.now() - t0;
    const [serverWrites, apfApprover, apfNodes] = (await serverView(admin)).map((h, i) => h.minus(serverBefore[i]!)) as [Histogram, Histogram, Histogram];
    approver.send({ type: 'stop' });
    const report = await approver.report();
    await watcher.stop();
    const q = (values: number[], p: number) => percentile([...values].sort((a, b) => a - b), p);
    const bound = (h: Histogram, p: number) => (h.count ? `≤ ${(h.quantileBound(p) * 1000).toFixed(0)} ms` : 'no requests');
    const row: Row = {
      approver: label,
      approved: report.approved,
      p50: q(report.latencies, 50),
      p99: q(report.latencies, 99),
      allIssuedMs,
      waitP99: q(report.waits, 99),
      workP50: q(report.works, 50),
      workP99: q(report.works, 99),
      loopP99: report.loopP99,
      serverP50: bound(serverWrites, 50),
      serverP99: bound(serverWrites, 99),
      apfApproverP99: bound(apfApprover, 99),
      apfNodesP99: bound(apfNodes, 99),
    };
    process.stderr.write(`[${label}] done: ${JSON.stringify(row)}\n`);
    return row;
  } finally {
    await approver.end();
  }
}

/** The approver's identity, RBAC and API Priority and Fairness objects, as an operator deploys them. */
async function deployApproverIdentity(root: string, stateDir: string, server: string, admin: KubeConfig): Promise<string> {
  const kubeconfig = join(root, 'csr-approver.kubeconfig');
  writeFileSync(kubeconfig, (await identityKubeConfig(stateDir, server, APPROVER_USER, [])).exportConfig(), { mode: 0o600 });
  const subject = { kind: 'User' as const, name: APPROVER_USER };
  const [role, binding] = approverRbac(subject);
  const rbac = admin.makeApiClient(RbacAuthorizationV1Api);
  await rbac.createClusterRole({ body: role });
  await rbac.createClusterRoleBinding({ body: binding });
  const [level, schema] = approverFlowControl(subject) as [V1PriorityLevelConfiguration, V1FlowSchema];
  const flowcontrol = admin.makeApiClient(FlowcontrolApiserverV1Api);
  await flowcontrol.createPriorityLevelConfiguration({ body: level });
  const created = await flowcontrol.createFlowSchema({ body: schema });
  const seen = await classifiedFlowSchema(loadKubeConfig(kubeconfig), '/apis/certificates.k8s.io/v1/certificatesigningrequests?limit=1');
  if (seen !== created.metadata!.uid) throw new Error(`the approver's requests are classified into FlowSchema ${seen}, not ${schema.metadata!.name} (${created.metadata!.uid})`);
  return kubeconfig;
}

async function main(): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), 'seedbed-bench-csr-'));
  const provider = new LocalProvider(new StateStore(root));
  const rows: Row[] = [];
  try {
    const config = await loadKindConfig(shippedConfigPath('ipv6'), 'bench-csr');
    const info = await provider.create(config);
    const admin = loadKubeConfig(info.kubeconfigPath);
    const approverKubeconfig = await deployApproverIdentity(root, info.stateDir!, info.server, admin);
    rows.push(await run('seedbed', 'seedbed csr-approver (watch, all checks)', info.stateDir!, info.server, admin, approverKubeconfig));
    rows.push(await run('naive', 'naive approve-everything (watch, no checks)', info.stateDir!, info.server, admin, approverKubeconfig));
  } finally {
    for (const name of await provider.list().then((l) => l.map((c) => c.name))) await provider.delete(name).catch(() => {});
    rmSync(root, { recursive: true, force: true });
  }
  const ms = (n: number) => `${n.toFixed(1)} ms`;
  const tables = [
    [['approver', 'nodes', 'approved', 'decision p50', 'decision p99', 'all certificates issued'], ...rows.map((r) => [r.approver, String(NODES), String(r.approved), ms(r.p50), ms(r.p99), `${(r.allIssuedMs / 1000).toFixed(2)} s`])],
    [
      ['approver', 'queue wait p99', 'decide+write p50', 'decide+write p99', 'event-loop delay p99', 'API server: approval PUT p50', 'p99', 'APF wait p99: approver', 'nodes'],
      ...rows.map((r) => [r.approver, ms(r.waitP99), ms(r.workP50), ms(r.workP99), ms(r.loopP99), r.serverP50, r.serverP99, r.apfApproverP99, r.apfNodesP99]),
    ],
  ];
  for (const table of tables) {
    const widths = table[0]!.map((_, c) => Math.max(...table.map((row) => row[c]!.length)));
    const line = (row: string[]) => `| ${row.map((cell, c) => cell.padEnd(widths[c]!)).join(' | ')} |`;
    console.log([line(table[0]!), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...table.slice(1).map(line)].join('\n'), '\n');
  }
}

if (process.env.BENCH_ROLE === 'approver') await approverProcess(process.env.BENCH_APPROVER as Kind, process.env.BENCH_KUBECONFIG!);
else await main();
