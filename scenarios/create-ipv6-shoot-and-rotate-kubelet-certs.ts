import { ipv6Shoot, reaches, scenario } from '@seedbed/landscape';

export default scenario(
  'create-ipv6-shoot-and-rotate-kubelet-certs',
  "an IPv6-only shoot's nodes hold approved kubelet serving certificates with exactly their addresses; a rotation renews every one at 100%, also after a gardenlet restart; a stopped approver turns SystemComponentsHealthy False, a reconcile heals it",
)
  .onCluster('dual-stack')
  .createShoot(ipv6Shoot('certs', { workers: 2 }))
  .expectShoot('certs', reaches(100).withAllConditionsTrue().within(60_000))
  .expectKubeletServingCertificates('certs')
  .rotateKubeletServingCertificates('certs')
  .expectKubeletServingCertificates('certs')
  .expectNewKubeletServingSerials('certs')
  // a restarted gardenlet starts the cert component again for the shoot it adopts: a second rotation works
  .restartGardenlet()
  .expectKubeletServingCertificates('certs')
  .rotateKubeletServingCertificates('certs')
  .stopCsrApprover('certs')
  .expectCondition('certs', 'SystemComponentsHealthy', 'False', 'unhealthy', 1_000)
  .reconcileShoot('certs')
  .expectShoot('certs', reaches(100).withAllConditionsTrue().within(60_000))
  .expectCondition('certs', 'SystemComponentsHealthy', 'True', 'healthy', 10_000);
