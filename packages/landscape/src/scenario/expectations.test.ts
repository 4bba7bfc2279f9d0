import { describe, expect, it } from 'vitest';
import type { Shoot } from '@seedbed/gardener-api';
import { reaches, stopsAt } from './expectations.ts';

const shoot = (state: 'Processing' | 'Failed' | 'Succeeded', progress: number, task?: string): Shoot => ({
  apiVersion: 'core.gardener.cloud/v1beta1',
  kind: 'Shoot',
  metadata: { name: 's', namespace: 'garden-local' },
  spec: { provider: { type: 'local' } },
  status: {
    lastOperation: { type: 'Create', state, progress, description: '', lastUpdateTime: '' },
    ...(task ? { lastErrors: [{ taskID: task, description: 'failed', lastUpdateTime: '' }] } : {}),
  },
});

describe('stopsAt', () => {
  it('by task name: met when the operation failed at that task, whatever percentage the flow reached', () => {
    const e = stopsAt('wait-nodes-ready');
    expect(e.describe()).toBe('stops, fails at task wait-nodes-ready, within 90s');
    expect(e.check(shoot('Processing', 50))).toBe(false);
    expect(e.check(shoot('Failed', 88, 'wait-nodes-ready'))).toBe(true);
    expect(() => e.check(shoot('Failed', 41, 'start-etcd'))).toThrow('stopped at 41% failing at task start-etcd, expected at wait-nodes-ready');
    expect(() => e.check(shoot('Succeeded', 100))).toThrow('succeeded (100%)');
  });

  it('by percentage: met only at exactly that percentage', () => {
    expect(stopsAt(88).check(shoot('Failed', 88, 'x'))).toBe(true);
    expect(() => stopsAt(88).check(shoot('Failed', 82, 'x'))).toThrow('expected 88%');
    expect(reaches(100).check(shoot('Succeeded', 100))).toBe(true);
  });
});
