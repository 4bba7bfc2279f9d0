import { dualStackShoot, ipv4Shoot, ipv6Shoot, scenario } from '@seedbed/landscape';

export default scenario('reject-shoot-overlapping-seed', 'shoots whose networks overlap the seed\'s, in either family, are rejected with the field and both ranges named')
  .onCluster('dual-stack')
  .expectRejected(ipv4Shoot('overlap-pods', { networking: { pods: '10.1.0.0/16' } }), "spec.networking.pods: 10.1.0.0/16 overlaps seed local's pods network 10.0.0.0/15")
  .expectRejected(ipv4Shoot('overlap-nodes', { networking: { nodes: '172.18.5.0/24' } }), "spec.networking.nodes: 172.18.5.0/24 overlaps seed local's nodes network 172.18.0.0/16")
  .expectRejected(ipv6Shoot('overlap-v6-nodes', { networking: { nodes: 'fd00:10:1:5::/64' } }), "spec.networking.nodes: fd00:10:1:5::/64 overlaps seed local's pods network fd00:10:1::/48")
  .expectRejected(ipv6Shoot('overlap-v6-services', { networking: { services: 'fd00:10:2::/112' } }), "spec.networking.services: fd00:10:2::/112 overlaps seed local's services network fd00:10:2::/112")
  .expectRejected(dualStackShoot('overlap-dual-v4', { networking: { pods: '10.2.128.0/17' } }), "spec.networking.pods: 10.2.128.0/17 overlaps seed local's services network 10.2.0.0/16")
  .expectRejected(dualStackShoot('overlap-dual-v6', { networking: { nodes: 'fd00:10:1:5::/64' } }), "spec.networking.nodes: fd00:10:1:5::/64 overlaps seed local's pods network fd00:10:1::/48")
  .expectRejected(ipv6Shoot('wrong-family', { networking: { services: '10.4.0.0/16' } }), 'spec.networking.services 10.4.0.0/16 is not of a family in ipFamilies IPv6');
