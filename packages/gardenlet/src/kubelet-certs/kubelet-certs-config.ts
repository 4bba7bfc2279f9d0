/**
 * Whether a shoot gets kubelet serving certificates (the default, as in
 * Gardener, whose kubelets run with serverTLSBootstrap), and the operation
 * that rotates them. A shoot turns them off with
 * `spec.kubernetes.kubelet.serverTLSBootstrap: false` or the annotation
 * `seedbed.dev/kubelet-serving-certificates: disabled`; that is reported in
 * its status and EveryNodeReady, never silently skipped. Pure.
 */
import { ValidationError, type Problem } from '@seedbed/core';
import type { Shoot } from '@seedbed/gardener-api';

export const KUBELET_SERVING_ANNOTATION = 'seedbed.dev/kubelet-serving-certificates';
/** `gardener.cloud/operation` value: every node of the shoot requests a new serving certificate now. */
export const ROTATE_KUBELET_SERVING_OPERATION = 'rotate-kubelet-serving-certificates';

export type KubeletServingSetting = { enabled: true } | { enabled: false; why: string };

export function kubeletServingSetting(shoot: Shoot): KubeletServingSetting {
  const problems: Problem[] = [];
  const annotation = shoot.metadata.annotations?.[KUBELET_SERVING_ANNOTATION];
  if (annotation !== undefined && annotation !== 'enabled' && annotation !== 'disabled') {
    problems.push({ path: `metadata.annotations["${KUBELET_SERVING_ANNOTATION}"]`, message: `must be "enabled" or "disabled", not "${annotation}"` });
  }
  const kubelet = (shoot.spec.kubernetes as { kubelet?: { serverTLSBootstrap?: unknown } } | undefined)?.kubelet;
  const bootstrap = kubelet?.serverTLSBootstrap;
  if (bootstrap !== undefined && typeof bootstrap !== 'boolean') {
    problems.push({ path: 'spec.kubernetes.kubelet.serverTLSBootstrap', message: `must be true or false, not ${JSON.stringify(bootstrap)}` });
  }
  if (problems.length) throw new ValidationError(`shoot ${shoot.metadata.namespace}/${shoot.metadata.name}`, problems);
  if (bootstrap === false) return { enabled: false, why: 'spec.kubernetes.kubelet.serverTLSBootstrap is false' };
  if (annotation === 'disabled') return { enabled: false, why: `annotation ${KUBELET_SERVING_ANNOTATION} is "disabled"` };
  return { enabled: true };
}
