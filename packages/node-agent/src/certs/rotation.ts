/**
 * When a certificate is renewed: like the kubelet's certificate manager, at
 * a jittered point between 70% and 90% of its lifetime, so a fleet issued at
 * once does not renew at once.
 */
export const ROTATION_MIN_FRACTION = 0.7;
export const ROTATION_MAX_FRACTION = 0.9;

/** Wall-clock epoch ms at which to renew; `random` in [0, 1). */
export function rotationDeadline(notBefore: number, notAfter: number, random: number): number {
  const fraction = ROTATION_MIN_FRACTION + (ROTATION_MAX_FRACTION - ROTATION_MIN_FRACTION) * Math.min(Math.max(random, 0), 1);
  return notBefore + Math.floor((notAfter - notBefore) * fraction);
}

/** How long to wait from `now` (never negative). */
export function rotationDelay(notBefore: number, notAfter: number, random: number, now: number): number {
  return Math.max(0, rotationDeadline(notBefore, notAfter, random) - now);
}
