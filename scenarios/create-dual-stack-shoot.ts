import { dualStackShoot, reaches, scenario } from '@seedbed/landscape';

export default scenario('create-dual-stack-shoot', 'a dual-stack shoot (IPv4 primary) reaches 100% with all conditions True')
  .onCluster('dual-stack')
  .createShoot(dualStackShoot('dual'))
  .expectShoot('dual', reaches(100).withAllConditionsTrue().within(60_000));
