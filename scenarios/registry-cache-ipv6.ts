import { ipv6Shoot, reaches, scenario } from '@seedbed/landscape';

export default scenario('registry-cache-ipv6', 'a ipv6 shoot with the registry-cache extension: containerd pulls through the cache (second pull: zero upstream bytes), and removing the extension removes the mirrors')
  .onCluster('dual-stack')
  .startUpstreamRegistry()
  .createShootWithRegistryCache(ipv6Shoot('cached'))
  .expectShoot('cached', reaches(100).withAllConditionsTrue().within(60_000))
  .pullTwiceThroughCache('cached')
  .removeRegistryCacheExtension('cached')
  .expectNoMirrors('cached');
