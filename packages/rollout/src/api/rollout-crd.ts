/**
 * The Rollout CustomResourceDefinition. The schema types every spec field and
 * CEL rules check what plain OpenAPI cannot (int-or-string forms, selector
 * operators), each error naming its field.
 */
import type { KubeObject } from '@seedbed/cluster';
import { ROLLOUT_GROUP, ROLLOUT_PLURAL, ROLLOUT_VERSION } from './types.ts';

type Schema = Record<string, unknown>;

const labelSelector = (field: string): Schema => ({
  type: 'object',
  properties: {
    matchLabels: { type: 'object', additionalProperties: { type: 'string', maxLength: 63 }, maxProperties: 20 },
    matchExpressions: {
      type: 'array',
      maxItems: 20,
      items: {
        type: 'object',
        required: ['key', 'operator'],
        properties: {
          key: { type: 'string', minLength: 1, maxLength: 316 },
          operator: { type: 'string', enum: ['In', 'NotIn', 'Exists', 'DoesNotExist'] },
          values: { type: 'array', maxItems: 50, items: { type: 'string', maxLength: 63 } },
        },
        'x-kubernetes-validations': [
          {
            rule: "(self.operator in ['In', 'NotIn']) == (has(self.values) && size(self.values) > 0)",
            message: `${field}.matchExpressions: In and NotIn need values, Exists and DoesNotExist take none`,
          },
        ],
      },
    },
  },
});

/** int-or-string: an integer ≥ min, or "N%" (0–100); "1" (no %) is rejected. */
const intOrPercent = (field: string, min: number): Schema => ({
  'x-kubernetes-int-or-string': true,
  maxLength: 4,
  'x-kubernetes-validations': [
    {
      rule: `type(self) == int ? int(self) >= ${min} : string(self).matches('^(100|[1-9]?[0-9])%$')`,
      message: `${field} must be an integer >= ${min} or a percentage like "10%" (a string without "%", such as "1", is not a percentage)`,
    },
  ],
});

const specSchema: Schema = {
  type: 'object',
  required: ['targetVersion', 'canarySelector', 'maxUnhealthy'],
  properties: {
    targetVersion: {
      type: 'string',
      minLength: 1,
      maxLength: 63,
      'x-kubernetes-validations': [
        { rule: "self.matches('^v?[0-9]+\\\\.[0-9]+\\\\.[0-9]+([-+][0-9A-Za-z.-]+)?$')", message: 'spec.targetVersion must be a version like v1.2.3 or v2.0.0-rc.1' },
      ],
    },
    seedSelector: labelSelector('spec.seedSelector'),
    canarySelector: labelSelector('spec.canarySelector'),
    batches: { type: 'array', maxItems: 10, items: intOrPercent('spec.batches[*]', 1), 'x-kubernetes-list-type': 'atomic' },
    maxUnhealthy: intOrPercent('spec.maxUnhealthy', 0),
    bakeSeconds: { type: 'integer', minimum: 0, maximum: 86_400 },
    progressDeadlineSeconds: { type: 'integer', minimum: 1, maximum: 86_400 },
    paused: { type: 'boolean' },
  },
};

const column = (name: string, jsonPath: string, type = 'string') => ({ name, jsonPath, type });

export function rolloutCrd(): KubeObject {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${ROLLOUT_PLURAL}.${ROLLOUT_GROUP}`, labels: { 'app.kubernetes.io/managed-by': 'seedbed' } },
    spec: {
      group: ROLLOUT_GROUP,
      names: { kind: 'Rollout', plural: ROLLOUT_PLURAL, singular: 'rollout', listKind: 'RolloutList', shortNames: ['ro'] },
      scope: 'Cluster',
      versions: [
        {
          name: ROLLOUT_VERSION,
          served: true,
          storage: true,
          subresources: { status: {} },
          schema: {
            openAPIV3Schema: {
              type: 'object',
              required: ['spec'],
              properties: {
                apiVersion: { type: 'string' },
                kind: { type: 'string' },
                metadata: { type: 'object' },
                spec: specSchema,
                status: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
              },
            },
          },
          additionalPrinterColumns: [
            column('Target', '.spec.targetVersion'),
            column('Phase', '.status.phase'),
            column('Wave', '.status.currentWave', 'integer'),
            column('Unhealthy', '.status.shoots.unhealthy', 'integer'),
            column('Reason', '.status.reason'),
          ],
        },
      ],
    },
  };
}
