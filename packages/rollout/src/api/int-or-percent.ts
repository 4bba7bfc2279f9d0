/**
 * Int-or-string values as Kubernetes' intstr: a number is a count; a string is
 * a percentage only when it ends in "%" ("25%"). A digit string like "1" is
 * NOT a percentage (and not a count either): it is rejected.
 */
import { ValidationError } from '@seedbed/core';
import type { IntOrPercent } from './types.ts';

export type Scaled = { kind: 'count'; value: number } | { kind: 'percent'; value: number };

const PERCENT = /^(\d{1,3})%$/;

export function parseIntOrPercent(value: IntOrPercent, path: string): Scaled {
  if (typeof value === 'number') {
    if (!Number.isInteger(value) || value < 0) throw new ValidationError(path, [{ path, message: `must be a non-negative integer, got ${value}` }]);
    return { kind: 'count', value };
  }
  const match = PERCENT.exec(value);
  if (!match || Number(match[1]) > 100) {
    throw new ValidationError(path, [{ path, message: `must be a number or a percentage like "25%" (0–100%), got "${value}"` }]);
  }
  return { kind: 'percent', value: Number(match[1]) };
}

/** The value for `total` items; percentages round down (`roundUp` false) or up. */
export function scaledValue(value: IntOrPercent, total: number, roundUp: boolean, path = 'value'): number {
  const parsed = parseIntOrPercent(value, path);
  if (parsed.kind === 'count') return parsed.value;
  const exact = (parsed.value * total) / 100;
  return roundUp ? Math.ceil(exact) : Math.floor(exact);
}
