import { describe, expect, it } from 'vitest';
import { hostCapabilities, missingCapabilities, parseBoundingSet } from './host-capabilities.ts';

describe('host capabilities', () => {
  it('finds CAP_SYS_RESOURCE missing from this project machines’ bounding set', () => {
    const status = 'Name:\tnode\nCapEff:\t000001fffeffffff\nCapBnd:\t000001fffeffffff\nCapAmb:\t0000000000000000\n';
    const caps = hostCapabilities((path) => (path.endsWith('status') ? status : '40\n'));
    expect(caps.bounding).toBe(0x1fffeffffffn);
    expect(caps.lastCap).toBe(40);
    expect(caps.missing).toEqual(['CAP_SYS_RESOURCE']);
  });

  it('finds nothing missing in a full bounding set, and names capabilities past the table by number', () => {
    expect(missingCapabilities(0x1ffffffffffn, 40)).toEqual([]);
    expect(missingCapabilities(0x1ffffffffffn, 42)).toEqual(['capability 41', 'capability 42']);
  });

  it('fails clearly on a status without CapBnd', () => {
    expect(() => parseBoundingSet('Name:\tx\n')).toThrow(/CapBnd/);
  });
});
