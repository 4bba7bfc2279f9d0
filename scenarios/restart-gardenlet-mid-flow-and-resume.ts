import { ipv6Shoot, reaches, scenario } from '@seedbed/landscape';

export default scenario('restart-gardenlet-mid-flow-and-resume', 'a gardenlet restarted while a shoot is being created resumes the operation, adopting what already runs')
  .onCluster('dual-stack')
  .createShoot(ipv6Shoot('resumed', { workers: 2 }))
  .waitForProgress('resumed', 42)
  .rememberControlPlane('resumed')
  .restartGardenlet()
  .expectShoot('resumed', reaches(100).withAllConditionsTrue().within(60_000))
  .expectRememberedComponentsKept('resumed');
