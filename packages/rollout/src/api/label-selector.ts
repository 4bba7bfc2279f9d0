/** Kubernetes label selectors (matchLabels and matchExpressions), evaluated against a label map. */
import type { LabelSelector } from './types.ts';

export function matchesSelector(selector: LabelSelector | undefined, labels: Record<string, string> = {}): boolean {
  if (!selector) return true;
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) if (labels[key] !== value) return false;
  for (const r of selector.matchExpressions ?? []) {
    const has = Object.hasOwn(labels, r.key);
    const value = labels[r.key];
    const ok =
      r.operator === 'In' ? has && (r.values ?? []).includes(value!)
        : r.operator === 'NotIn' ? !has || !(r.values ?? []).includes(value!)
          : r.operator === 'Exists' ? has
            : !has;
    if (!ok) return false;
  }
  return true;
}

/** `a=b,c in (d,e)` — for messages and the CLI. */
export function formatSelector(selector: LabelSelector | undefined): string {
  if (!selector) return '(all)';
  const parts = [
    ...Object.entries(selector.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`),
    ...(selector.matchExpressions ?? []).map((r) =>
      r.operator === 'Exists' ? r.key : r.operator === 'DoesNotExist' ? `!${r.key}` : `${r.key} ${r.operator === 'In' ? 'in' : 'notin'} (${(r.values ?? []).join(',')})`),
  ];
  return parts.join(',') || '(all)';
}

/** Parses `a=b,c` (equality and existence terms), as the CLI's --canary flag takes them. */
export function parseSelector(text: string): LabelSelector {
  const matchLabels: Record<string, string> = {};
  const matchExpressions: NonNullable<LabelSelector['matchExpressions']> = [];
  for (const term of text.split(',').map((t) => t.trim()).filter(Boolean)) {
    const eq = term.indexOf('=');
    if (eq > 0) matchLabels[term.slice(0, eq)] = term.slice(eq + 1);
    else if (term.startsWith('!')) matchExpressions.push({ key: term.slice(1), operator: 'DoesNotExist' });
    else matchExpressions.push({ key: term, operator: 'Exists' });
  }
  return { ...(Object.keys(matchLabels).length ? { matchLabels } : {}), ...(matchExpressions.length ? { matchExpressions } : {}) };
}
