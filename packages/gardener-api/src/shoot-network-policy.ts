/**
 * "Shoot networks must not overlap the seed's": a ValidatingAdmissionPolicy
 * whose parameters are the Seeds, so every Shoot create/update is checked
 * against each Seed's pod, service and node networks, in every family, by the
 * API server itself; a rejection names the shoot field and both ranges.
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
    const overlapping = `variables.seedNetworks.filter(n, isCIDR(n.cidr) && ${overlaps(value, 'n.cidr')})`;
    return {
      expression: `!has(object.spec.networking) || !has(${value}) || !isCIDR(${value}) || ${overlapping}.size() == 0`,
      messageExpression: `'spec.networking.${field}: ' + ${value} + ' overlaps seed ' + params.metadata.name + "'s " + ${overlapping}.map(n, n.field + ' network ' + n.cidr).join(' and ') + '; pick a disjoint range'`,
      reason: 'Invalid',
    };
  });
  // every family's CIDR of the seed's nodes, pods and services (comma-separated per family, see seed-networks.ts)
  const seedField = (field: string) => `params.spec.networks.${field}.split(',').map(c, {'field': '${field}', 'cidr': c.trim()})`;
  const seedNetworks = `(has(params.spec.networks.nodes) ? ${seedField('nodes')} : []) + ${seedField('pods')} + ${seedField('services')}`;
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
            expression: seedNetworks,
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
