import { dualStackShoot, reaches, scenario } from '@seedbed/landscape';

export default scenario('restart-gardenlet-and-adopt-shoot', 'a restarted gardenlet adopts a running shoot without redoing work, and watches it again')
  .onCluster('dual-stack')
  .createShoot(dualStackShoot('steady'))
  .expectShoot('steady', reaches(100).withAllConditionsTrue().within(60_000))
  .rememberControlPlane('steady')
  .restartGardenlet()
  .expectSameControlPlane('steady')
  .killControlPlaneComponent('steady', 'kube-scheduler')
  .expectCondition('steady', 'ControlPlaneHealthy', 'False', 'unhealthy', 5_000);
