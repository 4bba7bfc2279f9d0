/**
 * CustomResourceDefinitions for the Gardener API subset. Schemas type the
 * fields seedbed uses and preserve every other field, so Gardener's own
 * example manifests apply unchanged. CEL rules validate what can be checked
 * on one object (families vs CIDRs, immutability); the admission policy in
 * shoot-network-policy.ts checks shoots against seeds.
 */
import type { KubeObject } from '@seedbed/cluster';

// plain JSON (not the generated client's models, which rename x-kubernetes-* keys)
type V1JSONSchemaProps = Record<string, unknown> & { properties?: Record<string, V1JSONSchemaProps>; items?: V1JSONSchemaProps };
type V1CustomResourceDefinition = KubeObject;
import { GROUP, VERSION } from './types.ts';

const preserve: V1JSONSchemaProps = { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };
const family = `(f == 'IPv6' ? 6 : 4)`;

const cidrField = (description: string, immutable: boolean): V1JSONSchemaProps => ({
  type: 'string',
  description,
  maxLength: 64,
  'x-kubernetes-validations': [
    { rule: 'isCIDR(self)', message: 'must be a CIDR, e.g. 10.3.0.0/16 or fd00:10:3::/56' },
    { rule: "!isCIDR(self) || cidr(self) == cidr(self).masked()", message: 'must not have host bits set' },
    ...(immutable ? [{ rule: 'self == oldSelf', message: 'field is immutable' }] : []),
  ],
});

/** A seed network: one CIDR per family, comma-separated, primary first (Gardener's dual-stack form). */
const cidrListField = (description: string, immutable: boolean): V1JSONSchemaProps => ({
  type: 'string',
  description: `${description}: one CIDR per family, comma-separated in ipFamilies order`,
  maxLength: 100,
  'x-kubernetes-validations': [
    { rule: "self.split(',').all(c, isCIDR(c.trim()))", message: 'must be one CIDR per family, comma-separated, e.g. 10.1.0.0/16,fd00:10:1::/48' },
    { rule: "!self.split(',').all(c, isCIDR(c.trim())) || self.split(',').all(c, cidr(c.trim()) == cidr(c.trim()).masked())", message: 'must not have host bits set' },
    {
      rule: "!self.split(',').all(c, isCIDR(c.trim())) || (self.split(',').size() <= 2 && (self.split(',').size() < 2 || cidr(self.split(',')[0].trim()).ip().family() != cidr(self.split(',')[1].trim()).ip().family()))",
      message: 'must list at most one CIDR per family',
    },
    ...(immutable ? [{ rule: 'self == oldSelf', message: 'field is immutable' }] : []),
  ],
});

/** Each of a seed's networks lists exactly its ipFamilies (IPv4 when unset), in that order. */
const seedFamilyRule = (path: string) => {
  const families = `(has(self.ipFamilies) ? self.ipFamilies : ['IPv4'])`;
  const cidrs = `self.${path}.split(',')`;
  const familyOf = (i: number) => `cidr(${cidrs}[${i}].trim()).ip().family()`;
  const number = (i: number) => `(${families}[${i}] == 'IPv6' ? 6 : 4)`;
  const present = path.includes('.') ? `has(self.${path.split('.')[0]}) && has(self.${path})` : `has(self.${path})`;
  return {
    rule:
      `!(${present}) || !${cidrs}.all(c, isCIDR(c.trim())) || (${cidrs}.size() == ${families}.size() && ` +
      `${familyOf(0)} == ${number(0)} && (${families}.size() < 2 || ${familyOf(1)} == ${number(1)}))`,
    messageExpression: `'spec.networks.${path} ' + self.${path} + ' must list one CIDR per family of ipFamilies (IPv4 when unset), in its order'`,
    fieldPath: `.${path}`,
    reason: 'FieldValueInvalid',
  };
};

const ipFamilies: V1JSONSchemaProps = {
  type: 'array',
  maxItems: 2,
  items: { type: 'string', enum: ['IPv4', 'IPv6'] },
  'x-kubernetes-list-type': 'atomic',
  'x-kubernetes-validations': [
    { rule: 'self.size() < 2 || self[0] != self[1]', message: 'must not repeat a family' },
    {
      rule: 'self.size() >= oldSelf.size() && oldSelf.all(f, f in self) && (oldSelf.size() == 0 || self[0] == oldSelf[0])',
      message: 'can only be extended (IPv4 → IPv4, IPv6 or IPv6 → IPv6, IPv4); the primary family is immutable',
    },
  ],
};

/** Each network set must be of a family listed in ipFamilies (IPv4 when unset). */
const familyRule = (field: string) => ({
  rule: `!has(self.${field}) || !isCIDR(self.${field}) || (has(self.ipFamilies) ? self.ipFamilies : ['IPv4']).exists(f, ${family} == cidr(self.${field}).ip().family())`,
  messageExpression: `'spec.networking.${field} ' + self.${field} + ' is not of a family in ipFamilies ' + (has(self.ipFamilies) ? self.ipFamilies.join(', ') : 'IPv4 (the default)')`,
  fieldPath: `.${field}`,
  reason: 'FieldValueInvalid',
});

/** A top-level object schema: typed spec, preserved status. */
const objectSchema = (spec: V1JSONSchemaProps): V1JSONSchemaProps => ({
  type: 'object',
  required: ['spec'],
  properties: { apiVersion: { type: 'string' }, kind: { type: 'string' }, metadata: { type: 'object' }, spec, status: preserve },
});

const shootSchema: V1JSONSchemaProps = objectSchema({
      type: 'object',
      'x-kubernetes-preserve-unknown-fields': true,
      required: ['provider'],
      properties: {
        seedName: { type: 'string', 'x-kubernetes-validations': [{ rule: 'self == oldSelf', message: 'field is immutable once the shoot is scheduled' }] },
        cloudProfileName: { type: 'string' },
        cloudProfile: { ...preserve, properties: { name: { type: 'string' } } },
        region: { type: 'string' },
        networking: {
          type: 'object',
          'x-kubernetes-preserve-unknown-fields': true,
          properties: {
            type: { type: 'string' },
            ipFamilies,
            pods: cidrField('pod network of the shoot', true),
            services: cidrField('service network of the shoot', true),
            nodes: cidrField('node network of the shoot', true),
          },
          'x-kubernetes-validations': [familyRule('pods'), familyRule('services'), familyRule('nodes')],
        },
        provider: {
          type: 'object',
          'x-kubernetes-preserve-unknown-fields': true,
          required: ['type'],
          properties: {
            type: { type: 'string' },
            workers: {
              type: 'array',
              maxItems: 20,
              items: {
                type: 'object',
                'x-kubernetes-preserve-unknown-fields': true,
                required: ['name'],
                properties: { name: { type: 'string', maxLength: 15 }, minimum: { type: 'integer', minimum: 0, maximum: 100 }, maximum: { type: 'integer', minimum: 0, maximum: 100 } },
                'x-kubernetes-validations': [{ rule: '!has(self.minimum) || !has(self.maximum) || self.minimum <= self.maximum', message: 'minimum must not exceed maximum', fieldPath: '.minimum' }],
              },
            },
          },
        },
      },
});

const seedSchema: V1JSONSchemaProps = objectSchema({
      type: 'object',
      'x-kubernetes-preserve-unknown-fields': true,
      required: ['networks'],
      properties: {
        networks: {
          type: 'object',
          'x-kubernetes-preserve-unknown-fields': true,
          required: ['pods', 'services'],
          properties: {
            ipFamilies,
            nodes: cidrListField('node networks of the seed', true),
            pods: cidrListField('pod networks of the seed', true),
            services: cidrListField('service networks of the seed', true),
            shootDefaults: { ...preserve, properties: { pods: cidrListField('default shoot pod networks', false), services: cidrListField('default shoot service networks', false) } },
          },
          'x-kubernetes-validations': [
            seedFamilyRule('nodes'),
            seedFamilyRule('pods'),
            seedFamilyRule('services'),
            seedFamilyRule('shootDefaults.pods'),
            seedFamilyRule('shootDefaults.services'),
          ],
        },
      },
});

const column = (name: string, jsonPath: string, type = 'string') => ({ name, jsonPath, type });

function crd(kind: string, plural: string, scope: 'Namespaced' | 'Cluster', schema: V1JSONSchemaProps, shortNames: string[], columns: ReturnType<typeof column>[] = []): V1CustomResourceDefinition {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${plural}.${GROUP}`, labels: { 'app.kubernetes.io/managed-by': 'seedbed' } },
    spec: {
      group: GROUP,
      names: { kind, plural, singular: kind.toLowerCase(), listKind: `${kind}List`, shortNames },
      scope,
      versions: [{ name: VERSION, served: true, storage: true, schema: { openAPIV3Schema: schema }, subresources: { status: {} }, additionalPrinterColumns: columns }],
    },
  };
}

export function gardenerCrds(): V1CustomResourceDefinition[] {
  return [
    crd('Shoot', 'shoots', 'Namespaced', shootSchema, [], [
      column('Seed', '.spec.seedName'),
      column('Operation', '.status.lastOperation.state'),
      column('Progress', '.status.lastOperation.progress', 'integer'),
      column('Status', `.metadata.labels.shoot\\.gardener\\.cloud/status`),
      column('Families', '.spec.networking.ipFamilies'),
    ]),
    crd('Seed', 'seeds', 'Cluster', seedSchema, [], [column('Pods', '.spec.networks.pods'), column('Services', '.spec.networks.services')]),
    crd('Project', 'projects', 'Cluster', { type: 'object', properties: { spec: { ...preserve, properties: { namespace: { type: 'string' } } }, status: preserve } }, []),
    crd('CloudProfile', 'cloudprofiles', 'Cluster', { type: 'object', properties: { spec: preserve, status: preserve } }, ['cprofile', 'cpfl']),
  ];
}
