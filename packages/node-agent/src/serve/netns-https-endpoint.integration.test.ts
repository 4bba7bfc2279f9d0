/**
 * Integration (root, iproute2; no cluster): the HTTPS listener runs inside a
 * network namespace the test creates, on the node's IPv4 and IPv6 addresses
 * there; a client on this machine reaches it only through the veth link and
 * verifies the certificate by IP; a swapped certificate is served without a
 * restart; closing stops the listener process, and the cleanup leaves no
 * namespace or link behind.
 */
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CleanupStack, isAlive, runCommand } from '@seedbed/core';
import { CertificateAuthority } from '@seedbed/pki';
import { describePair } from '../certs/cert-store.ts';
import { httpsGet, normSerial } from '../testing/https-get.ts';
import { createNodeNetwork, nodeNetworkLeftovers, type NodeNetwork } from '../testing/node-network.ts';
import { NetnsHttpsEndpoint } from './netns-https-endpoint.ts';

const PORT = 10250; // the kubelet's own port: the namespace has its own port space
const cleanup = new CleanupStack();
let network: NodeNetwork;
let ca: CertificateAuthority;
let endpoint: NetnsHttpsEndpoint;

beforeAll(async () => {
  network = await createNodeNetwork(cleanup, 0);
  ca = await CertificateAuthority.create('netns-test');
  endpoint = new NetnsHttpsEndpoint(network.netns, PORT);
  cleanup.add('close the netns HTTPS endpoint', () => endpoint.close());
}, 30_000);

afterAll(async () => {
  expect(await cleanup.run()).toEqual([]);
  expect(await nodeNetworkLeftovers(network)).toEqual([]);
}, 30_000);

const bindsHere = (host: string) =>
  new Promise<string>((resolve) => {
    const server = createServer();
    server.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
    server.listen({ host, port: 0 }, () => server.close(() => resolve('bound')));
  });

describe('NetnsHttpsEndpoint', () => {
  it('serves inside the namespace on IPv4 and IPv6; a client here verifies the certificate by IP', async () => {
    const pair = await ca.issue({ commonName: 'system:node:n0', dnsNames: ['n0'], ipAddresses: [network.nodeIPv4, network.nodeIPv6], usages: ['server'] });
    const result = await endpoint.update([network.nodeIPv4, network.nodeIPv6], pair.certPem, pair.keyPem);
    expect(result).toEqual({ listening: [network.nodeIPv4, network.nodeIPv6], unbindable: {} });
    // the listener is a process of the namespace, and its addresses do not exist outside it
    const pids = (await runCommand('ip', ['netns', 'pids', network.netns])).stdout.split('\n').map(Number);
    expect(pids).toContain(endpoint.pid);
    expect(await bindsHere(network.nodeIPv4)).toBe('EADDRNOTAVAIL');
    expect(await bindsHere(network.nodeIPv6)).toBe('EADDRNOTAVAIL');
    const serial = normSerial(describePair(pair.certPem, pair.keyPem).serialNumber);
    for (const ip of [network.nodeIPv4, network.nodeIPv6]) {
      const res = await httpsGet(ip, PORT, ca.certPem);
      expect(res).toMatchObject({ status: 200, body: 'ok' });
      expect(normSerial(res.serial)).toBe(serial);
    }
    // wrong CA, and a certificate that does not name the address, both fail verification
    const other = await CertificateAuthority.create('other');
    await expect(httpsGet(network.nodeIPv4, PORT, other.certPem)).rejects.toThrow(/certificate/);
    const elsewhere = await ca.issue({ commonName: 'system:node:n0', ipAddresses: [network.hostIPv4], usages: ['server'] });
    await endpoint.update([network.nodeIPv4, network.nodeIPv6], elsewhere.certPem, elsewhere.keyPem);
    await expect(httpsGet(network.nodeIPv6, PORT, ca.certPem)).rejects.toThrow(/IP: .* is not in the cert's list|ERR_TLS_CERT_ALTNAME_INVALID/);
  });

  it('swaps a renewed certificate in without restarting the listener, and reports addresses it cannot bind', async () => {
    const pid = endpoint.pid;
    const renewed = await ca.issue({ commonName: 'system:node:n0', ipAddresses: [network.nodeIPv4, network.nodeIPv6], usages: ['server'] });
    const result = await endpoint.update([network.nodeIPv6, '10.213.255.254'], renewed.certPem, renewed.keyPem);
    expect(result.listening).toEqual([network.nodeIPv6]);
    expect(result.unbindable).toEqual({ '10.213.255.254': 'EADDRNOTAVAIL' });
    expect(endpoint.pid).toBe(pid);
    expect(normSerial((await httpsGet(network.nodeIPv6, PORT, ca.certPem)).serial)).toBe(normSerial(describePair(renewed.certPem, renewed.keyPem).serialNumber));
    await expect(httpsGet(network.nodeIPv4, PORT, ca.certPem)).rejects.toThrow(/ECONNREFUSED/);
  });

  it('stops the listener process on close', async () => {
    const pid = endpoint.pid!;
    await endpoint.close();
    expect(isAlive(pid)).toBe(false);
    expect(endpoint.listening).toEqual([]);
    await expect(httpsGet(network.nodeIPv6, PORT, ca.certPem)).rejects.toThrow(/ECONNREFUSED/);
  });
});
