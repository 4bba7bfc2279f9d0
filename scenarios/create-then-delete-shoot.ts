import { ipv6Shoot, reaches, scenario } from '@seedbed/landscape';

export default scenario('create-then-delete-shoot', 'a shoot is created, deleted, and leaves no process, namespace or state behind')
  .onCluster('dual-stack')
  .createShoot(ipv6Shoot('short-lived'))
  .expectShoot('short-lived', reaches(100).withAllConditionsTrue().within(60_000))
  .deleteShoot('short-lived')
  .expectShootGone('short-lived', 30_000);
