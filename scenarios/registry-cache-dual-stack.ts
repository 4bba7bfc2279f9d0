import { dualStackShoot, reaches, scenario } from '@seedbed/landscape';

export default scenario('registry-cache-dual-stack', 'a dual-stack shoot with the registry-cache extension: containerd pulls through the cache (second pull: zero upstream bytes), and removing the extension removes the mirrors')
  .onCluster('dual-stack')
  .startUpstreamRegistry()
  .createShootWithRegistryCache(dualStackShoot('cached'))
  .expectShoot('cached', reaches(100).withAllConditionsTrue().within(60_000))
  .pullTwiceThroughCache('cached')
  .removeRegistryCacheExtension('cached')
  .expectNoMirrors('cached');
