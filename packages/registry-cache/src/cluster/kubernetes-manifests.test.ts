import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { ValidationError } from '@seedbed/core';
import { listenAddressFor, renderKubernetesManifests, renderKubernetesYaml } from './kubernetes-manifests.ts';

const base = { image: 'seedbed:dev', upstreams: [{ name: 'docker.io', url: 'https://registry-1.docker.io' }] };

function service(objects: Array<Record<string, unknown>>): { spec: Record<string, unknown> } {
  return objects.find((o) => o.kind === 'Service') as { spec: Record<string, unknown> };
}

describe('renderKubernetesManifests', () => {
  it('follows the cluster families in the Service and the listen address', () => {
    expect(service(renderKubernetesManifests({ ...base, ipFamilies: ['IPv6'] })).spec).toMatchObject({ ipFamilies: ['IPv6'], ipFamilyPolicy: 'SingleStack' });
    expect(service(renderKubernetesManifests({ ...base, ipFamilies: ['IPv4'] })).spec).toMatchObject({ ipFamilies: ['IPv4'], ipFamilyPolicy: 'SingleStack' });
    expect(service(renderKubernetesManifests({ ...base, ipFamilies: ['IPv6', 'IPv4'] })).spec).toMatchObject({ ipFamilies: ['IPv6', 'IPv4'], ipFamilyPolicy: 'RequireDualStack' });
    expect(listenAddressFor(['IPv6'], 5000)).toBe('[::]:5000');
    expect(listenAddressFor(['IPv4'], 5000)).toBe('0.0.0.0:5000');
    expect(listenAddressFor(['IPv4', 'IPv6'], 5000)).toBe(':5000');
  });

  it('renders a Deployment running serve with the upstreams and a readiness probe', () => {
    const yaml = renderKubernetesYaml({ ...base, ipFamilies: ['IPv6'], hostPath: '/var/cache/rc' });
    const docs = parseAllDocuments(yaml).map((d) => d.toJSON() as Record<string, unknown>);
    expect(docs.map((d) => d.kind)).toEqual(['Deployment', 'Service']);
    const container = (docs[0] as { spec: { template: { spec: { containers: Array<Record<string, unknown>> } } } }).spec.template.spec.containers[0];
    expect(container?.args).toEqual(['registry-cache', 'serve', '--listen', '[::]:5000', '--storage', '/var/lib/registry-cache', '--upstream', 'docker.io=https://registry-1.docker.io']);
    expect(container?.readinessProbe).toEqual({ httpGet: { path: '/', port: 'registry' }, periodSeconds: 5 });
  });

  it('rejects impossible family lists', () => {
    expect(() => renderKubernetesManifests({ ...base, ipFamilies: [] })).toThrow(ValidationError);
    expect(() => renderKubernetesManifests({ ...base, ipFamilies: ['IPv4', 'IPv4'] })).toThrow(/ipFamilies/);
  });
});
