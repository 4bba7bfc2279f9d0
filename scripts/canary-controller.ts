#!/usr/bin/env -S node --import tsx
/**
 * The rollout controller alone in a process (so bench:canary can measure its
 * RSS): `node --import tsx scripts/canary-controller.ts <kubeconfig>`.
 * Prints "ready" once its watches are synced; stops on SIGTERM or SIGINT.
 */
import { RolloutController } from '@seedbed/rollout';

const kubeconfigPath = process.argv[2];
if (!kubeconfigPath) {
  console.error('usage: canary-controller.ts <kubeconfig>');
  process.exit(2);
}
const controller = new RolloutController({ kubeconfigPath });
await controller.start();
console.log('ready');
const stop = () => void controller.stop().then(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
