import { gardenerExampleShoot, reaches, scenario } from '@seedbed/landscape';

export default scenario('apply-gardener-example-shoots', "Gardener's provider-local shoot manifests (IPv4 and IPv6) apply unchanged and reach 100%")
  .onCluster('dual-stack')
  .createShoot(gardenerExampleShoot('shoot-local.yaml'))
  .createShoot(gardenerExampleShoot('shoot-local-ipv6.yaml'))
  .expectShoot('local', reaches(100).withAllConditionsTrue().within(60_000))
  .expectShoot('local-ipv6', reaches(100).withAllConditionsTrue().within(60_000));
