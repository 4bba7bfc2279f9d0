/**
 * The pause binary from Kubernetes' own source (build/pause/linux/pause.c in
 * the pinned k8s.io/kubernetes module), built as its Makefile builds it:
 * `gcc -Os -Wall -Werror -static -DVERSION=v<TAG>`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SeedbedError, commandExists, runCommand } from '@seedbed/core';

/** `TAG ?= 3.10.2` in build/pause/Makefile. */
export function pauseVersion(kubernetesDir: string): string {
  const makefile = readFileSync(join(kubernetesDir, 'build/pause/Makefile'), 'utf8');
  const tag = /^TAG\s*\?=\s*(\S+)/m.exec(makefile)?.[1];
  if (!tag) throw new SeedbedError('KUBERNETES_SOURCE_CHANGED', `no TAG in ${join(kubernetesDir, 'build/pause/Makefile')}`);
  return tag;
}

export async function buildPause(kubernetesDir: string, output: string, signal?: AbortSignal): Promise<void> {
  if (!(await commandExists('gcc'))) {
    throw new SeedbedError('GCC_MISSING', 'building the pause image needs gcc with a static C library', { hint: 'apt-get install gcc libc6-dev' });
  }
  const source = join(kubernetesDir, 'build/pause/linux/pause.c');
  await runCommand('gcc', ['-Os', '-Wall', '-Werror', '-static', `-DVERSION=v${pauseVersion(kubernetesDir)}`, '-o', output, source], { signal });
}
