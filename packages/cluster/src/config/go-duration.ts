/**
 * Go `time.ParseDuration` syntax ("90s", "1h30m", "8760h0m0s", "1.5h"), as
 * kube-controller-manager reads duration flags. Returns milliseconds, or an
 * error message instead of throwing.
 */

const UNIT_MS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  'µs': 1e-3,
  'μs': 1e-3,
  ms: 1,
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
};

export function parseGoDuration(text: string): number | string {
  const input = text.trim();
  if (input === '0') return 0;
  const body = input.replace(/^[+-]/, '');
  if (body === '') return `"${text}" is not a duration (expected e.g. 10m, 1h30m, 8760h)`;
  const part = /(\d+\.?\d*|\.\d+)(ns|us|µs|μs|ms|s|m|h)/y;
  let total = 0;
  let position = 0;
  while (position < body.length) {
    part.lastIndex = position;
    const match = part.exec(body);
    if (!match) return `"${text}" is not a duration (expected e.g. 10m, 1h30m, 8760h; units ns, us, ms, s, m, h)`;
    total += Number(match[1]) * UNIT_MS[match[2]!]!;
    position = part.lastIndex;
  }
  return input.startsWith('-') ? -total : total;
}
