/** Prometheus counters and gauges of the cache, rendered in the text exposition format. */
import { renderPrometheus } from '@seedbed/core';

type Labels = Record<string, string>;

interface Family {
  type: 'counter' | 'gauge';
  help: string;
  values: Map<string, { labels: Labels; value: number }>;
}

export const METRIC_NAMES = {
  hits: 'registry_cache_hits_total',
  misses: 'registry_cache_misses_total',
  coalesced: 'registry_cache_coalesced_requests_total',
  bytesServed: 'registry_cache_bytes_served_total',
  fillsInFlight: 'registry_cache_fills_in_flight',
  upstreamRequests: 'registry_cache_upstream_requests_total',
  upstreamErrors: 'registry_cache_upstream_errors_total',
  staleServed: 'registry_cache_stale_served_total',
  evictions: 'registry_cache_evictions_total',
  diskFullPassThroughs: 'registry_cache_disk_full_passthrough_total',
  storedBytes: 'registry_cache_stored_bytes',
  storedBlobs: 'registry_cache_stored_blobs',
} as const;

const HELP: Record<string, [Family['type'], string]> = {
  [METRIC_NAMES.hits]: ['counter', 'Requests answered from the cache.'],
  [METRIC_NAMES.misses]: ['counter', 'Requests that needed the upstream.'],
  [METRIC_NAMES.coalesced]: ['counter', 'Blob requests that joined a fill already in flight.'],
  [METRIC_NAMES.bytesServed]: ['counter', 'Body bytes sent to clients, by source (cache or upstream).'],
  [METRIC_NAMES.fillsInFlight]: ['gauge', 'Blob downloads from upstreams in progress.'],
  [METRIC_NAMES.upstreamRequests]: ['counter', 'Requests sent to upstreams.'],
  [METRIC_NAMES.upstreamErrors]: ['counter', 'Failed upstream requests, by upstream and reason.'],
  [METRIC_NAMES.staleServed]: ['counter', 'Tag answers served stale because the upstream could not be reached.'],
  [METRIC_NAMES.evictions]: ['counter', 'Blobs evicted, by reason (ttl or size).'],
  [METRIC_NAMES.diskFullPassThroughs]: ['counter', 'Blob requests passed through uncached because the disk was full.'],
  [METRIC_NAMES.storedBytes]: ['gauge', 'Bytes of blobs in the cache.'],
  [METRIC_NAMES.storedBlobs]: ['gauge', 'Blobs in the cache.'],
};

export class Metrics {
  private readonly families = new Map<string, Family>();

  inc(name: string, labels: Labels = {}, by = 1): void {
    const entry = this.entry(name, labels);
    entry.value += by;
  }

  set(name: string, value: number, labels: Labels = {}): void {
    this.entry(name, labels).value = value;
  }

  get(name: string, labels: Labels = {}): number {
    return this.families.get(name)?.values.get(labelKey(labels))?.value ?? 0;
  }

  /** Sum over all label sets. */
  total(name: string): number {
    let sum = 0;
    for (const { value } of this.families.get(name)?.values.values() ?? []) sum += value;
    return sum;
  }

  render(): string {
    // every known family, with a zero sample while it has none
    return renderPrometheus(
      Object.entries(HELP).map(([name, [type, help]]) => {
        const values = [...(this.families.get(name)?.values.values() ?? [])];
        return { name, type, help, samples: values.length ? values : [{ value: 0 }] };
      }),
    );
  }

  private entry(name: string, labels: Labels): { labels: Labels; value: number } {
    let family = this.families.get(name);
    if (!family) {
      const [type, help] = HELP[name] ?? ['counter', name];
      family = { type, help, values: new Map() };
      this.families.set(name, family);
    }
    const key = labelKey(labels);
    let entry = family.values.get(key);
    if (!entry) {
      entry = { labels, value: 0 };
      family.values.set(key, entry);
    }
    return entry;
  }
}

function labelKey(labels: Labels): string {
  return Object.keys(labels).sort().map((k) => `${k}=${labels[k]}`).join(',');
}
