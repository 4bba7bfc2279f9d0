import { ipv4Shoot, ipv6Shoot, scenario } from '@seedbed/landscape';

export default scenario('reject-shoot-overlapping-seed', 'shoots whose networks overlap the seed\'s are rejected with the field named')
  .onCluster('dual-stack')
  .expectRejected(ipv4Shoot('overlap-pods', { networking: { pods: '10.1.0.0/16' } }), 'spec.networking.pods: 10.1.0.0/16 overlaps a network of seed local')
  .expectRejected(ipv4Shoot('overlap-nodes', { networking: { nodes: '172.18.5.0/24' } }), 'spec.networking.nodes: 172.18.5.0/24 overlaps a network of seed local')
  .expectRejected(ipv6Shoot('wrong-family', { networking: { services: '10.4.0.0/16' } }), 'spec.networking.services 10.4.0.0/16 is not of a family in ipFamilies IPv6');
