import { BROKEN_IPV6_VERSION } from '@seedbed/gardenlet';
import { ipv4Shoot, ipv6Shoot, reaches, scenario } from '@seedbed/landscape';

const CANARY = { 'seedbed.dev/canary': 'true' };
const FLEET = { 'seedbed.dev/fleet': 'demo' };
const FIXED = 'v2.0.1';

export default scenario('canary-rollout-halts', 'a gardenlet version that breaks IPv6 shoots halts the rollout on the canary seed, naming the shoot; no other seed ever runs it; a fixed target finishes the rollout')
  .onCluster('dual-stack')
  .withGardenlet({ retries: 0 })
  .withSeeds([{ name: 'canary', labels: { ...FLEET, ...CANARY } }, { name: 'stable-a', labels: FLEET }, { name: 'stable-b', labels: FLEET }])
  .createShoot(ipv4Shoot('c4', { seedName: 'canary' }))
  .createShoot(ipv6Shoot('c6', { seedName: 'canary' }))
  .createShoot(ipv6Shoot('a6', { seedName: 'stable-a' }))
  .expectShoot('c4', reaches(100).withAllConditionsTrue().within(40_000))
  .expectShoot('c6', reaches(100).withAllConditionsTrue().within(40_000))
  .expectShoot('a6', reaches(100).withAllConditionsTrue().within(40_000))
  .startRollout('bad', {
    targetVersion: BROKEN_IPV6_VERSION,
    seedSelector: { matchLabels: FLEET },
    canarySelector: { matchLabels: CANARY },
    maxUnhealthy: 0,
    bakeSeconds: 2,
    progressDeadlineSeconds: 30,
  })
  .expectRollout('bad', { phase: 'Halted', reason: 'UnhealthyThresholdExceeded', messageIncludes: ['garden-local/c6'], timeoutMs: 30_000 })
  .expectVersionOnlyOn(BROKEN_IPV6_VERSION, ['canary'])
  .updateRollout('bad', { targetVersion: FIXED })
  .expectRollout('bad', { phase: 'Succeeded', reason: 'AllSeedsUpdated', timeoutMs: 50_000 })
  .expectGardenlets(FIXED, ['canary', 'stable-a', 'stable-b'])
  .expectShoot('c6', reaches(100).withAllConditionsTrue().reconciledBy(FIXED).within(10_000))
  .expectShoot('a6', reaches(100).withAllConditionsTrue().reconciledBy(FIXED).within(10_000))
  .expectVersionOnlyOn(BROKEN_IPV6_VERSION, ['canary']);
