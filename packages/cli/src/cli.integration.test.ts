/**
 * Integration (slow): the seedbed CLI as a user runs it — help everywhere,
 * clear errors with non-zero exits, and Ctrl-C during `cluster up` leaving
 * nothing behind.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const bin = fileURLToPath(new URL('../bin/seedbed.mjs', import.meta.url));
const repo = fileURLToPath(new URL('../../../', import.meta.url));
const stateDir = mkdtempSync(join(tmpdir(), 'seedbed-cli-it-'));
const env = { ...process.env, SEEDBED_STATE_DIR: stateDir };
afterAll(() => {
  spawnSync('node', [bin, 'cluster', 'down', '--name', 'cli-it'], { env });
  rmSync(stateDir, { recursive: true, force: true });
});

const seedbed = (...args: string[]) => spawnSync('node', [bin, ...args], { env, encoding: 'utf8', cwd: repo, timeout: 120_000 });

function processesMentioning(path: string): string[] {
  return readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .filter((pid) => {
      try {
        const state = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0];
        return state !== 'Z' && readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(path);
      } catch {
        return false;
      }
    });
}

describe('seedbed CLI', () => {
  it.each(['', 'cluster', 'cluster up', 'cluster down', 'cluster status', 'cluster kubeconfig', 'binaries', 'binaries build', 'binaries path', 'registry-cache', 'registry-cache serve', 'scenario', 'scenario run', 'scenario list', 'up', 'down', 'csr-approver', 'csr-approver run', 'node-agent', 'node-agent run', 'shoot', 'shoot node-config', 'shoot certs', 'rollout', 'rollout start', 'rollout watch', 'rollout pause', 'rollout resume', 'rollout abort'])(
    'prints help for `seedbed %s --help`',
    (command) => {
      const result = seedbed(...command.split(' ').filter(Boolean), '--help');
      expect(result.status).toBe(0);
      expect(result.stdout).toMatch(/^Usage: seedbed/);
    },
  );

  it('rejects a contradictory config with every problem and exit 1, starting nothing', () => {
    const result = seedbed('cluster', 'up', '--config', join(repo, 'packages/cli/src/testdata/contradictory.yaml'));
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('contradictory.yaml is invalid (2 problems)');
    expect(result.stderr).toContain('fd00:10:1::/64 is too large');
    expect(result.stderr).toContain('networking.podSubnet: 10.0.0.0/15 is ipv4 but ipFamily is ipv6');
    expect(readdirSync(stateDir)).toEqual([]);
  });

  it('fails clearly for down of an unknown cluster and an unknown provider', () => {
    const down = seedbed('cluster', 'down', '--name', 'ghost');
    expect(down.status).toBe(1);
    expect(down.stderr).toContain('error: no local cluster named "ghost"');
    const provider = seedbed('cluster', 'status', '--provider', 'docker');
    expect(provider.status).not.toBe(0);
    expect(provider.stderr).toContain("argument 'docker' is invalid. Allowed choices are local, kind, existing.");
  });

  it('tears down what it started when interrupted with Ctrl-C during up', async () => {
    const child = spawn('node', [bin, 'cluster', 'up', '--config', join(repo, 'kind-configs/ipv4.yaml'), '--name', 'cli-it'], { env, cwd: repo });
    let stderr = '';
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    await new Promise<void>((resolve, reject) => {
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
        // interrupt once etcd runs and the API server is starting
        if (stderr.includes('• start-kube-apiserver')) resolve();
      });
      child.on('exit', () => reject(new Error(`exited before the API server started:\n${stderr}`)));
    });
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    expect(stderr).toContain('interrupted: everything "cli-it" had started was stopped and removed');
    expect(processesMentioning(stateDir)).toEqual([]);
    expect(readdirSync(join(stateDir, 'clusters'))).toEqual([]);
  }, 60_000);

  it('brings a cluster up, shows it, and takes it down', () => {
    const up = seedbed('cluster', 'up', '--config', join(repo, 'kind-configs/dual-stack.yaml'), '--name', 'cli-it');
    expect(up.status, up.stderr).toBe(0);
    expect(up.stdout).toContain('ip families    ipv4, ipv6 (primary ipv4)');
    expect(up.stdout).toMatch(/cli-it-worker\s+True\s+<none>\s+172\.18\.0\.3,fc00:f853:ccd:e793::3\s+10\.0\.\d+\.0\/24,fd00:10:1:[\w:]*\/64/);
    const kubeconfig = seedbed('cluster', 'kubeconfig', '--name', 'cli-it');
    expect(kubeconfig.stdout.trim()).toBe(join(stateDir, 'clusters', 'cli-it', 'kubeconfig'));
    const status = seedbed('cluster', 'status', '--name', 'cli-it', '-o', 'json');
    expect(JSON.parse(status.stdout)[0]).toMatchObject({ name: 'cli-it', status: 'running', families: ['ipv4', 'ipv6'] });
    const down = seedbed('cluster', 'down', '--name', 'cli-it');
    expect(down.status).toBe(0);
    expect(processesMentioning(stateDir)).toEqual([]);
  }, 120_000);
});
