import { ipv6Shoot, reaches, scenario } from '@seedbed/landscape';

export default scenario('kill-shoot-apiserver-and-heal', 'killing a shoot kube-apiserver flips APIServerAvailable and the status label; a reconcile heals both')
  .onCluster('dual-stack')
  .createShoot(ipv6Shoot('fragile'))
  .expectShoot('fragile', reaches(100).withAllConditionsTrue().within(60_000))
  .killControlPlaneComponent('fragile', 'kube-apiserver')
  .expectCondition('fragile', 'APIServerAvailable', 'False', 'unhealthy', 5_000)
  .reconcileShoot('fragile')
  .expectShoot('fragile', reaches(100).withAllConditionsTrue().within(60_000))
  .expectCondition('fragile', 'APIServerAvailable', 'True', 'healthy', 10_000);
