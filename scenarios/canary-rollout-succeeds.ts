import { dualStackShoot, ipv4Shoot, ipv6Shoot, reaches, scenario } from '@seedbed/landscape';

const CANARY = { 'seedbed.dev/canary': 'true' };
const FLEET = { 'seedbed.dev/fleet': 'demo' };
const TARGET = 'v2.0.0';

export default scenario('canary-rollout-succeeds', 'a new gardenlet version reaches the canary seed first, then the others wave by wave; every shoot is reconciled by it and healthy')
  .onCluster('dual-stack')
  .withGardenlet({ retries: 0 })
  .withSeeds([{ name: 'canary', labels: { ...FLEET, ...CANARY } }, { name: 'stable-a', labels: FLEET }, { name: 'stable-b', labels: FLEET }])
  .createShoot(ipv6Shoot('c6', { seedName: 'canary' }))
  .createShoot(ipv4Shoot('a4', { seedName: 'stable-a' }))
  .createShoot(dualStackShoot('b2', { seedName: 'stable-b' }))
  .expectShoot('c6', reaches(100).withAllConditionsTrue().within(40_000))
  .expectShoot('a4', reaches(100).withAllConditionsTrue().within(40_000))
  .expectShoot('b2', reaches(100).withAllConditionsTrue().within(40_000))
  .startRollout('to-v2', {
    targetVersion: TARGET,
    seedSelector: { matchLabels: FLEET },
    canarySelector: { matchLabels: CANARY },
    batches: [1],
    maxUnhealthy: 0,
    // longer than a shoot reconcile on a loaded 2-core machine: a shoot still reconciling after the bake counts as unhealthy
    bakeSeconds: 12,
    progressDeadlineSeconds: 90,
  })
  .expectRollout('to-v2', { phase: 'Succeeded', reason: 'AllSeedsUpdated', timeoutMs: 150_000 })
  .expectGardenlets(TARGET, ['canary', 'stable-a', 'stable-b'])
  .expectShoot('c6', reaches(100).withAllConditionsTrue().reconciledBy(TARGET).within(10_000))
  .expectShoot('a4', reaches(100).withAllConditionsTrue().reconciledBy(TARGET).within(10_000))
  .expectShoot('b2', reaches(100).withAllConditionsTrue().reconciledBy(TARGET).within(10_000));
