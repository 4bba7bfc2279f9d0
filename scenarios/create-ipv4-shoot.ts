import { ipv4Shoot, reaches, scenario } from '@seedbed/landscape';

export default scenario('create-ipv4-shoot', 'an IPv4 shoot reaches 100% with all conditions True')
  .onCluster('dual-stack')
  .createShoot(ipv4Shoot('v4'))
  .expectShoot('v4', reaches(100).withAllConditionsTrue().within(60_000));
