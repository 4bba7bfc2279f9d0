import { dualStackShoot, ipv4Shoot, ipv6Shoot, reaches, scenario } from '@seedbed/landscape';

export default scenario('create-mixed-landscape', 'one seed runs an IPv4, an IPv6-only and a dual-stack shoot, all at 100% and healthy, every node with an approved kubelet serving certificate')
  .onCluster('dual-stack')
  .createShoot(ipv4Shoot('v4'))
  .createShoot(ipv6Shoot('v6'))
  .createShoot(dualStackShoot('dual'))
  .expectShoot('v4', reaches(100).withAllConditionsTrue().within(60_000))
  .expectShoot('v6', reaches(100).withAllConditionsTrue().within(60_000))
  .expectShoot('dual', reaches(100).withAllConditionsTrue().within(60_000))
  // every node of every shoot holds a serving certificate from an Approved CSR, verified by IP against its shoot's CA
  .expectKubeletServingCertificates('v4')
  .expectKubeletServingCertificates('v6')
  .expectKubeletServingCertificates('dual');
