import { FAULT_ANNOTATION, FAULT_WORKERS_NEVER_READY } from '@seedbed/gardenlet';
import { ipv6Shoot, reaches, scenario, stopsAt } from '@seedbed/landscape';

// The hackathon's IPv6 shoot got stuck below 100%: workers that never become Ready stop the flow at
// wait-nodes-ready, after every task that does not need nodes has succeeded: 15 of 17 tasks (the node
// agents get their serving certificates from registered nodes, Ready or not), so 88%.
export default scenario('create-shoot-whose-workers-never-get-ready', 'a shoot whose workers never get Ready stops at an exact percentage, failing at wait-nodes-ready')
  .onCluster('dual-stack')
  .withGardenlet({ retries: 0, nodesTimeoutMs: 5_000 })
  .createShoot(ipv6Shoot('stuck', { annotations: { [FAULT_ANNOTATION]: FAULT_WORKERS_NEVER_READY } }))
  .createShoot(ipv6Shoot('fine'))
  .expectShoot('stuck', stopsAt(88).failingAt('wait-nodes-ready').within(60_000))
  .expectShoot('fine', reaches(100).withAllConditionsTrue().within(60_000));
