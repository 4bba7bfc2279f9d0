import { FAULT_ANNOTATION, FAULT_WORKERS_NEVER_READY } from '@seedbed/gardenlet';
import { ipv6Shoot, reaches, scenario, stopsAt } from '@seedbed/landscape';

// The hackathon's IPv6 shoot got stuck below 100%: workers that never become Ready stop the flow at
// wait-nodes-ready, after every task that does not need nodes has succeeded (the report shows the
// percentage; it follows from the flow's tasks, so it is not written here).
export default scenario('create-shoot-whose-workers-never-get-ready', 'a shoot whose workers never get Ready stops below 100%, failing at wait-nodes-ready')
  .onCluster('dual-stack')
  .withGardenlet({ retries: 0, nodesTimeoutMs: 5_000 })
  .createShoot(ipv6Shoot('stuck', { annotations: { [FAULT_ANNOTATION]: FAULT_WORKERS_NEVER_READY } }))
  .createShoot(ipv6Shoot('fine'))
  .expectShoot('stuck', stopsAt('wait-nodes-ready').within(60_000))
  .expectShoot('fine', reaches(100).withAllConditionsTrue().within(60_000));
