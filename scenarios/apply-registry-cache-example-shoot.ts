import { gardenerExampleShoot, reaches, scenario } from '@seedbed/landscape';

// No image is pulled here, so the cache never contacts its (internet) upstreams.
export default scenario('apply-registry-cache-example-shoot', "the registry-cache extension's example shoot (docker.io, ghcr.io, quay.io caches) applies unchanged and reaches 100%")
  .onCluster('dual-stack')
  .createShoot(gardenerExampleShoot('shoot-registry-cache.yaml'))
  .expectShoot('local', reaches(100).withAllConditionsTrue().within(60_000));
