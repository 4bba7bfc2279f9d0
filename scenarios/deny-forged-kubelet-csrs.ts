import { dualStackShoot, reaches, scenario } from '@seedbed/landscape';

export default scenario(
  'deny-forged-kubelet-csrs',
  "inside a running dual-stack shoot, kubelet serving CSRs forged in a node's name are denied with the reason named, a valid one is approved, and the shoot stays healthy",
)
  .onCluster('dual-stack')
  .createShoot(dualStackShoot('forged', { workers: 2 }))
  .expectShoot('forged', reaches(100).withAllConditionsTrue().within(60_000))
  .expectForgedCsrsDenied('forged')
  .expectShoot('forged', reaches(100).withAllConditionsTrue().within(10_000))
  .expectCondition('forged', 'EveryNodeReady', 'True', 'healthy', 5_000);
