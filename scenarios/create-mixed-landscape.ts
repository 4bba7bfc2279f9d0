import { dualStackShoot, ipv4Shoot, ipv6Shoot, reaches, scenario } from '@seedbed/landscape';

export default scenario('create-mixed-landscape', 'one seed runs an IPv4, an IPv6-only and a dual-stack shoot, all at 100% and healthy')
  .onCluster('dual-stack')
  .createShoot(ipv4Shoot('v4'))
  .createShoot(ipv6Shoot('v6'))
  .createShoot(dualStackShoot('dual'))
  .expectShoot('v4', reaches(100).withAllConditionsTrue().within(60_000))
  .expectShoot('v6', reaches(100).withAllConditionsTrue().within(60_000))
  .expectShoot('dual', reaches(100).withAllConditionsTrue().within(60_000));
