import { ipv6Shoot, reaches, scenario } from '@seedbed/landscape';

export default scenario('create-ipv6-shoot', 'an IPv6-only shoot reaches 100% with all conditions True')
  .onCluster('dual-stack')
  .createShoot(ipv6Shoot('v6'))
  .expectShoot('v6', reaches(100).withAllConditionsTrue().within(60_000));
