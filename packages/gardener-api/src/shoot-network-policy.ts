/**
 * "Shoot networks must not overlap the seed's": a ValidatingAdmissionPolicy
 * whose parameters are the Seeds, so every Shoot create/update is checked
 * against each Seed's pod, service and node networks by the API server itself.
 * A CEL rule on the Shoot CRD cannot see Seeds; an admission policy can.
 */
import type { KubeObject } from '@seedbed/cluster';
import { GROUP, VERSION } from './types.ts';

export const POLICY_NAME = 'seedbed-shoot-networks-disjoint-from-seeds';

const SHOOT_FIELDS = ['pods', 'services', 'nodes'] as const;

/** CEL: two CIDRs overlap when one contains the other's network address (same family only). */
const overlaps = (a: string, b: string) =>
  `(cidr(${a}).ip().family() == cidr(${b}).ip().family() && (cidr(${a}).containsIP(cidr(${b}).masked().ip()) || cidr(${b}).containsIP(cidr(${a}).masked().ip())))`;

export function shootNetworkPolicy(): KubeObject[] {
  const validations = SHOOT_FIELDS.map((field) => {
    const value = `object.spec.networking.${field}`;
    return {
      expression: `!has(object.spec.networking) || !has(${value}) || !isCIDR(${value}) || variables.seedNetworks.all(n, !isCIDR(n) || !${overlaps(value, 'n')})`,
      messageExpression: `'spec.networking.${field}: ' + ${value} + ' overlaps a network of seed ' + params.metadata.name + ' (' + variables.seedNetworks.join(', ') + '); pick a disjoint range'`,
      reason: 'Invalid',
    };
  });
  return [
    {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingAdmissionPolicy',
      metadata: { name: POLICY_NAME },
      spec: {
        failurePolicy: 'Fail',
        paramKind: { apiVersion: `${GROUP}/${VERSION}`, kind: 'Seed' },
        matchConstraints: {
          resourceRules: [{ apiGroups: [GROUP], apiVersions: [VERSION], operations: ['CREATE', 'UPDATE'], resources: ['shoots'] }],
        },
        variables: [
          {
            name: 'seedNetworks',
            expression: `[params.spec.networks.pods, params.spec.networks.services] + (has(params.spec.networks.nodes) ? [params.spec.networks.nodes] : [])`,
          },
        ],
        validations,
      },
    },
    {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingAdmissionPolicyBinding',
      metadata: { name: POLICY_NAME },
      spec: {
        policyName: POLICY_NAME,
        validationActions: ['Deny'],
        // evaluated against every Seed; with no Seed there is nothing to overlap
        paramRef: { selector: {}, parameterNotFoundAction: 'Allow' },
      },
    },
  ];
}
