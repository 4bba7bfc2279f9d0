import { describe, expect, it } from 'vitest';
import { ValidationError } from '@seedbed/core';
import type { Shoot } from '@seedbed/gardener-api';
import { KUBELET_SERVING_ANNOTATION, kubeletServingSetting } from './kubelet-certs-config.ts';

const shoot = (annotations?: Record<string, string>, kubelet?: Record<string, unknown>): Shoot =>
  ({
    apiVersion: 'core.gardener.cloud/v1beta1',
    kind: 'Shoot',
    metadata: { name: 's', namespace: 'garden-local', annotations },
    spec: { provider: { type: 'local' }, ...(kubelet ? { kubernetes: { kubelet } } : {}) },
  }) as Shoot;

describe('kubeletServingSetting', () => {
  it('is on by default and with serverTLSBootstrap true', () => {
    expect(kubeletServingSetting(shoot())).toEqual({ enabled: true });
    expect(kubeletServingSetting(shoot(undefined, { serverTLSBootstrap: true }))).toEqual({ enabled: true });
  });

  it('is off, with the reason, by serverTLSBootstrap false or the annotation', () => {
    expect(kubeletServingSetting(shoot(undefined, { serverTLSBootstrap: false }))).toEqual({ enabled: false, why: 'spec.kubernetes.kubelet.serverTLSBootstrap is false' });
    expect(kubeletServingSetting(shoot({ [KUBELET_SERVING_ANNOTATION]: 'disabled' }))).toEqual({ enabled: false, why: `annotation ${KUBELET_SERVING_ANNOTATION} is "disabled"` });
  });

  it('reports every bad value with its field', () => {
    const error = (() => {
      try {
        kubeletServingSetting(shoot({ [KUBELET_SERVING_ANNOTATION]: 'off' }, { serverTLSBootstrap: 'no' }));
      } catch (e) {
        return e;
      }
    })() as ValidationError;
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.problems.map((p) => p.path)).toEqual([`metadata.annotations["${KUBELET_SERVING_ANNOTATION}"]`, 'spec.kubernetes.kubelet.serverTLSBootstrap']);
  });
});
