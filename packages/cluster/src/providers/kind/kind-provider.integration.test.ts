/**
 * Integration (slow): the kind provider with the real kind CLI. Needs a
 * container runtime and the kind node image in the local store; where either
 * is missing the tests are skipped and the reason is in the test name.
 */
import { describe, expect, it } from 'vitest';
import { loadKindConfig } from '../../config/kind-config.ts';
import { shippedConfigPath } from '../../config/kind-configs.ts';
import { KindProvider } from './kind-provider.ts';

const provider = new KindProvider();
const status = await provider.available();
const skipReason = status.ok ? '' : ` (skipped: ${status.reason}; ${status.hint})`;

describe('kind provider', () => {
  it('explains what to install when it cannot run', async () => {
    // runs everywhere: availability must always come with a reason and a hint when false
    if (status.ok) return;
    expect(status.reason.length).toBeGreaterThan(0);
    expect(status.hint).toMatch(/docker|image|binaries/i);
    const config = await loadKindConfig(shippedConfigPath('ipv4'), 'kind-it');
    await expect(provider.create(config)).rejects.toThrow(/kind provider:/);
  });

  it.skipIf(!status.ok)(`creates, lists and deletes a cluster from kind-configs/dual-stack.yaml${skipReason}`, async () => {
    const config = await loadKindConfig(shippedConfigPath('dual-stack'), 'seedbed-kind-it');
    try {
      const info = await provider.create(config);
      expect(info.server).toMatch(/^https:\/\//);
      expect((await provider.list()).map((c) => c.name)).toContain('seedbed-kind-it');
    } finally {
      await provider.delete('seedbed-kind-it').catch(() => {});
    }
    expect((await provider.list()).map((c) => c.name)).not.toContain('seedbed-kind-it');
  }, 300_000);
});
