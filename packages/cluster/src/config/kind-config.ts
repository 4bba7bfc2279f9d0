/**
 * kind `v1alpha4` Cluster configs, read the way seedbed needs them:
 * schema (the fields kind accepts) → defaults (named constants below) →
 * validation that collects every problem into one ValidationError before
 * anything starts. The same files drive the kind provider unchanged.
 */
import { readFile } from 'node:fs/promises';
import { parseDocument } from 'yaml';
import { ValidationError, SeedbedError, type Problem } from '@seedbed/core';
import { overlaps, parseCidr, type Cidr, type IpFamily } from './cidr.ts';
import { argPath, controllerManagerExtraArgs, type ExtraArgs } from './kubeadm-patches.ts';
import { signingDurationFromArgs } from './signing-duration.ts';

export const KIND_API_VERSION = 'kind.x-k8s.io/v1alpha4';
export const DEFAULT_CLUSTER_NAME = 'seedbed';
/** Gardener's local setup. */
export const DEFAULT_POD_SUBNET_IPV4 = '10.0.0.0/15';
export const DEFAULT_SERVICE_SUBNET_IPV4 = '10.2.0.0/16';
export const DEFAULT_POD_SUBNET_IPV6 = 'fd00:10:1::/48';
export const DEFAULT_SERVICE_SUBNET_IPV6 = 'fd00:10:2::/112';
/** kube-controller-manager's defaults for --node-cidr-mask-size-ipv4/-ipv6. */
export const DEFAULT_NODE_MASK_IPV4 = 24;
export const DEFAULT_NODE_MASK_IPV6 = 64;
/** kube-controller-manager refuses more than 2^16 node CIDRs per cluster CIDR. */
export const MAX_NODE_MASK_DELTA = 16;
/** kube-apiserver caps service ranges: at most 2^20 addresses (IPv6: prefix ≥ /108). */
export const MIN_SERVICE_PREFIX_IPV4 = 12;
export const MIN_SERVICE_PREFIX_IPV6 = 108;
/** Node addresses simulated nodes get: the ranges of kind's docker network. */
export const DEFAULT_NODE_NETWORK_IPV4 = '172.18.0.0/16';
export const DEFAULT_NODE_NETWORK_IPV6 = 'fc00:f853:ccd:e793::/64';

export type KindIpFamily = 'ipv4' | 'ipv6' | 'dual';
export type NodeRole = 'control-plane' | 'worker';

export interface ClusterNode {
  name: string;
  role: NodeRole;
  labels: Record<string, string>;
  /** false: registered but never simulated, so it never becomes Ready (fault injection). Default true. */
  simulated?: boolean;
}

/** A validated cluster config with defaults applied. */
export interface ClusterConfig {
  name: string;
  ipFamily: KindIpFamily;
  /** Families in primary-first order. */
  families: IpFamily[];
  podSubnets: Cidr[];
  serviceSubnets: Cidr[];
  nodeMasks: Partial<Record<IpFamily, number>>;
  nodes: ClusterNode[];
  featureGates: Record<string, boolean>;
  /** Networks node addresses come from, per family (default: kind's docker network ranges). */
  nodeNetworks?: Partial<Record<IpFamily, Cidr>>;
  /** networking.apiServerPort when set (kind picks a random port otherwise, and so does seedbed). */
  apiServerPort?: number;
  /** kube-controller-manager's --cluster-signing-duration (Go duration, ≥ 10m) when a ClusterConfiguration patch sets it. */
  signingDuration?: string;
  /**
   * Per node name, the InternalIP addresses its simulated Node gets instead of
   * the kind network ones (local provider only; set in code, e.g. by tests that
   * need addresses bindable on this machine such as 127.0.0.x or ::1).
   */
  nodeAddresses?: Record<string, string[]>;
  /** The original document, for providers that pass it on (kind). */
  raw: Record<string, unknown>;
}

const TOP_LEVEL = new Set([
  'kind', 'apiVersion', 'name', 'nodes', 'networking', 'featureGates', 'runtimeConfig',
  'kubeadmConfigPatches', 'kubeadmConfigPatchesJSON6902', 'containerdConfigPatches', 'containerdConfigPatchesJSON6902',
]);
const NETWORKING = new Set([
  'ipFamily', 'apiServerAddress', 'apiServerPort', 'podSubnet', 'serviceSubnet', 'disableDefaultCNI', 'kubeProxyMode', 'dnsSearch',
]);
const NODE = new Set(['role', 'image', 'labels', 'extraMounts', 'extraPortMappings', 'kubeadmConfigPatches', 'kubeadmConfigPatchesJSON6902']);

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function unknownFields(object: Record<string, unknown>, allowed: Set<string>, path: string, problems: Problem[]): void {
  for (const key of Object.keys(object)) {
    if (!allowed.has(key)) {
      problems.push({ path: path ? `${path}.${key}` : key, message: `unknown field (allowed: ${[...allowed].join(', ')})` });
    }
  }
}

function subnets(value: unknown, path: string, problems: Problem[]): Cidr[] | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') {
    problems.push({ path, message: 'must be a string of one or two comma-separated CIDRs' });
    return [];
  }
  const result: Cidr[] = [];
  for (const part of value.split(',').map((s) => s.trim())) {
    const cidr = parseCidr(part);
    if (typeof cidr === 'string') problems.push({ path, message: cidr });
    else result.push(cidr);
  }
  return result;
}

/** Node mask sizes (--node-cidr-mask-size-ipv4/-ipv6, or the single-stack --node-cidr-mask-size). */
function nodeMasksFromArgs(extraArgs: ExtraArgs[], problems: Problem[]): Partial<Record<IpFamily, number>> {
  const masks: Partial<Record<IpFamily, number>> = {};
  for (const { index, args } of extraArgs) {
    for (const [flag, family] of [['node-cidr-mask-size-ipv4', 'ipv4'], ['node-cidr-mask-size-ipv6', 'ipv6'], ['node-cidr-mask-size', undefined]] as const) {
      if (args[flag] === undefined) continue;
      const n = Number(args[flag]);
      if (!Number.isInteger(n)) {
        problems.push({ path: argPath(index, flag), message: 'must be an integer' });
        continue;
      }
      if (family) masks[family] = n;
      else masks.ipv4 ??= n;
    }
  }
  return masks;
}

/** Applies defaults and validates a parsed kind config document. `source` names it in errors. */
export function validateKindConfig(doc: unknown, source: string, nameOverride?: string): ClusterConfig {
  const problems: Problem[] = [];
  if (!isObject(doc)) throw new ValidationError(source, [{ path: '', message: 'must be a YAML mapping (a kind Cluster config)' }]);
  unknownFields(doc, TOP_LEVEL, '', problems);
  if (doc.kind !== 'Cluster') problems.push({ path: 'kind', message: `must be "Cluster", got ${JSON.stringify(doc.kind)}` });
  if (doc.apiVersion !== KIND_API_VERSION) {
    problems.push({ path: 'apiVersion', message: `must be "${KIND_API_VERSION}", got ${JSON.stringify(doc.apiVersion)}` });
  }
  const name = nameOverride ?? (doc.name === undefined ? DEFAULT_CLUSTER_NAME : String(doc.name));
  if (!/^[a-z0-9]([-a-z0-9]{0,40}[a-z0-9])?$/.test(name)) {
    problems.push({ path: 'name', message: `"${name}" must be lowercase letters, digits and '-', at most 42 characters` });
  }

  const networking = doc.networking === undefined ? {} : doc.networking;
  let ipFamily: KindIpFamily = 'ipv4';
  let pods: Cidr[] = [];
  let services: Cidr[] = [];
  let apiServerPort: number | undefined;
  if (!isObject(networking)) {
    problems.push({ path: 'networking', message: 'must be a mapping' });
  } else {
    unknownFields(networking, NETWORKING, 'networking', problems);
    const family = networking.ipFamily ?? 'ipv4';
    if (family !== 'ipv4' && family !== 'ipv6' && family !== 'dual') {
      problems.push({ path: 'networking.ipFamily', message: `must be ipv4, ipv6 or dual, got ${JSON.stringify(family)}` });
    } else {
      ipFamily = family;
    }
    const defaults = (kind: 'pod' | 'service'): Cidr[] => {
      const v4 = kind === 'pod' ? DEFAULT_POD_SUBNET_IPV4 : DEFAULT_SERVICE_SUBNET_IPV4;
      const v6 = kind === 'pod' ? DEFAULT_POD_SUBNET_IPV6 : DEFAULT_SERVICE_SUBNET_IPV6;
      const list = ipFamily === 'ipv4' ? [v4] : ipFamily === 'ipv6' ? [v6] : [v4, v6];
      return list.map((c) => parseCidr(c) as Cidr);
    };
    if (networking.apiServerPort !== undefined && networking.apiServerPort !== -1 && networking.apiServerPort !== 0) {
      const port = networking.apiServerPort;
      if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535) {
        problems.push({ path: 'networking.apiServerPort', message: `must be a port number 1-65535 (or 0/-1 for a random port), got ${JSON.stringify(port)}` });
      } else apiServerPort = port;
    }
    pods = subnets(networking.podSubnet, 'networking.podSubnet', problems) ?? defaults('pod');
    services = subnets(networking.serviceSubnet, 'networking.serviceSubnet', problems) ?? defaults('service');
    for (const [path, list] of [['networking.podSubnet', pods], ['networking.serviceSubnet', services]] as const) {
      checkFamilies(path, list, ipFamily, problems);
    }
    for (const pod of pods) {
      for (const service of services) {
        if (overlaps(pod, service)) {
          problems.push({ path: 'networking', message: `podSubnet ${pod.text} overlaps serviceSubnet ${service.text}; pick disjoint ranges` });
        }
      }
    }
    for (const service of services) {
      const min = service.family === 'ipv4' ? MIN_SERVICE_PREFIX_IPV4 : MIN_SERVICE_PREFIX_IPV6;
      if (service.prefix < min) {
        problems.push({
          path: 'networking.serviceSubnet',
          message: `${service.text} is too large: kube-apiserver allows at most 2^20 service addresses (use a prefix of /${min} or longer)`,
        });
      }
    }
  }

  const extraArgs = controllerManagerExtraArgs(doc.kubeadmConfigPatches, problems);
  const nodeMasks = nodeMasksFromArgs(extraArgs, problems);
  const signingDuration = signingDurationFromArgs(extraArgs, problems);
  const masks: Partial<Record<IpFamily, number>> = {};
  for (const pod of pods) {
    const mask = nodeMasks[pod.family] ?? (pod.family === 'ipv4' ? DEFAULT_NODE_MASK_IPV4 : DEFAULT_NODE_MASK_IPV6);
    masks[pod.family] = mask;
    const flag = `node-cidr-mask-size-${pod.family}`;
    if (mask <= pod.prefix || mask > pod.bits) {
      problems.push({ path: 'networking.podSubnet', message: `node mask /${mask} (${flag}) must be longer than ${pod.text} and at most /${pod.bits}` });
    } else if (mask - pod.prefix > MAX_NODE_MASK_DELTA) {
      problems.push({
        path: 'networking.podSubnet',
        message: `${pod.text} with node mask /${mask} gives 2^${mask - pod.prefix} node ranges; kube-controller-manager allows at most 2^${MAX_NODE_MASK_DELTA} (use a podSubnet of /${mask - MAX_NODE_MASK_DELTA} or longer, or set ${flag})`,
      });
    }
  }

  const nodes: ClusterNode[] = [];
  const rawNodes = doc.nodes ?? [{ role: 'control-plane' }];
  if (!Array.isArray(rawNodes) || rawNodes.length === 0) {
    problems.push({ path: 'nodes', message: 'must be a non-empty list' });
  } else {
    const counts = { 'control-plane': 0, worker: 0 };
    rawNodes.forEach((node: unknown, i) => {
      const path = `nodes[${i}]`;
      if (!isObject(node)) return problems.push({ path, message: 'must be a mapping' });
      unknownFields(node, NODE, path, problems);
      const role = node.role ?? 'control-plane';
      if (role !== 'control-plane' && role !== 'worker') {
        return problems.push({ path: `${path}.role`, message: `must be control-plane or worker, got ${JSON.stringify(role)}` });
      }
      counts[role]++;
      const labels = node.labels === undefined ? {} : node.labels;
      if (!isObject(labels)) problems.push({ path: `${path}.labels`, message: 'must be a mapping of strings' });
      const suffix = role === 'control-plane' ? (counts[role] === 1 ? '' : String(counts[role])) : counts[role] === 1 ? '' : String(counts[role]);
      nodes.push({ name: `${name}-${role}${suffix}`, role, labels: isObject(labels) ? Object.fromEntries(Object.entries(labels).map(([k, v]) => [k, String(v)])) : {} });
    });
    if (counts['control-plane'] === 0) problems.push({ path: 'nodes', message: 'needs at least one control-plane node' });
  }

  const featureGates: Record<string, boolean> = {};
  if (doc.featureGates !== undefined) {
    if (!isObject(doc.featureGates)) problems.push({ path: 'featureGates', message: 'must be a mapping of gate names to true/false' });
    else {
      for (const [gate, value] of Object.entries(doc.featureGates)) {
        if (typeof value !== 'boolean') problems.push({ path: `featureGates.${gate}`, message: 'must be true or false' });
        else featureGates[gate] = value;
      }
    }
  }

  if (problems.length) {
    throw new ValidationError(source, problems, { hint: 'fix the listed fields; the kind-configs/ directory has valid examples' });
  }
  return { name, ipFamily, families: pods.map((p) => p.family), podSubnets: pods, serviceSubnets: services, nodeMasks: masks, nodes, featureGates, apiServerPort, signingDuration, raw: doc };
}

function checkFamilies(path: string, list: Cidr[], ipFamily: KindIpFamily, problems: Problem[]): void {
  if (list.length === 0) return;
  if (ipFamily === 'dual') {
    if (list.length !== 2 || list[0]!.family === list[1]!.family) {
      problems.push({ path, message: `ipFamily dual needs one IPv4 and one IPv6 CIDR, comma-separated (got ${list.map((c) => c.text).join(',')})` });
    }
    return;
  }
  if (list.length !== 1) {
    problems.push({ path, message: `ipFamily ${ipFamily} takes exactly one CIDR (got ${list.length}); use ipFamily: dual for two` });
  }
  for (const cidr of list) {
    if (cidr.family !== ipFamily) problems.push({ path, message: `${cidr.text} is ${cidr.family} but ipFamily is ${ipFamily}` });
  }
}

/** Parses YAML text; YAML syntax errors are reported with line numbers. */
export function parseKindConfig(text: string, source: string, nameOverride?: string): ClusterConfig {
  const document = parseDocument(text, { uniqueKeys: true });
  if (document.errors.length) {
    throw new ValidationError(
      source,
      document.errors.map((e) => ({ path: e.linePos ? `line ${e.linePos[0].line}` : '', message: e.message.split('\n')[0]! })),
    );
  }
  return validateKindConfig(document.toJS() ?? {}, source, nameOverride);
}

export async function loadKindConfig(path: string, nameOverride?: string): Promise<ClusterConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new SeedbedError('CONFIG_NOT_FOUND', `cannot read cluster config ${path}: ${(error as Error).message}`, {
      hint: 'pass --config with a kind Cluster config, e.g. kind-configs/ipv6.yaml',
    });
  }
  return parseKindConfig(text, path, nameOverride);
}
