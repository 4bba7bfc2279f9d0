import { ipv4Shoot, reaches, scenario } from '@seedbed/landscape';

export default scenario('registry-cache-ipv4', 'a ipv4 shoot with the registry-cache extension: containerd pulls through the cache (second pull: zero upstream bytes), and removing the extension removes the mirrors')
  .onCluster('dual-stack')
  .startUpstreamRegistry()
  .createShootWithRegistryCache(ipv4Shoot('cached'))
  .expectShoot('cached', reaches(100).withAllConditionsTrue().within(60_000))
  .pullTwiceThroughCache('cached')
  .removeRegistryCacheExtension('cached')
  .expectNoMirrors('cached');
