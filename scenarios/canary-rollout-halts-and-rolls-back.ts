import { BROKEN_IPV6_VERSION, DEFAULT_GARDENLET_VERSION } from '@seedbed/gardenlet';
import { ipv4Shoot, ipv6Shoot, reaches, scenario } from '@seedbed/landscape';

const CANARY = { 'seedbed.dev/canary': 'true' };
const FLEET = { 'seedbed.dev/fleet': 'demo' };

export default scenario('canary-rollout-halts-and-rolls-back', 'a gardenlet version that breaks IPv6 shoots halts the rollout on the canary seed; a rollback returns the canary seed to the version it ran and its broken shoot recovers; the stable seed is never touched')
  .onCluster('dual-stack')
  .withGardenlet({ retries: 0 })
  .withSeeds([{ name: 'canary', labels: { ...FLEET, ...CANARY } }, { name: 'stable', labels: FLEET }])
  .createShoot(ipv6Shoot('c6', { seedName: 'canary' }))
  .createShoot(ipv4Shoot('s4', { seedName: 'stable' }))
  .expectShoot('c6', reaches(100).withAllConditionsTrue().within(40_000))
  .expectShoot('s4', reaches(100).withAllConditionsTrue().within(40_000))
  .startRollout('bad', {
    targetVersion: BROKEN_IPV6_VERSION,
    seedSelector: { matchLabels: FLEET },
    canarySelector: { matchLabels: CANARY },
    maxUnhealthy: 0,
    bakeSeconds: 2,
    progressDeadlineSeconds: 30,
  })
  .expectRollout('bad', { phase: 'Halted', reason: 'UnhealthyThresholdExceeded', messageIncludes: ['garden-local/c6'], timeoutMs: 30_000 })
  .rollBackRollout('bad')
  .expectRollout('bad', { phase: 'Aborted', reason: 'RolledBack', timeoutMs: 10_000 })
  .expectGardenlets(DEFAULT_GARDENLET_VERSION, ['canary', 'stable'])
  .expectShoot('c6', reaches(100).withAllConditionsTrue().reconciledBy(DEFAULT_GARDENLET_VERSION).within(40_000))
  .expectShoot('s4', reaches(100).withAllConditionsTrue().reconciledBy(DEFAULT_GARDENLET_VERSION).within(5_000))
  .expectVersionOnlyOn(BROKEN_IPV6_VERSION, ['canary']);
