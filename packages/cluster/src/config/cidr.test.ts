import { describe, expect, it } from 'vitest';
import { canonicalIp, containsIp, formatIp, nthAddress, overlaps, parseCidr, parseIp, type Cidr } from './cidr.ts';

const cidr = (text: string) => parseCidr(text) as Cidr;

describe('cidr', () => {
  it('parses IPv4 and IPv6 prefixes and rejects host bits with a suggestion', () => {
    expect(cidr('10.0.0.0/15')).toMatchObject({ family: 'ipv4', prefix: 15 });
    expect(cidr('fd00:10:1::/48')).toMatchObject({ family: 'ipv6', prefix: 48 });
    expect(parseCidr('10.1.0.0/15')).toBe('"10.1.0.0/15" has host bits set (did you mean 10.0.0.0/15?)');
    expect(parseCidr('10.0.0.0')).toMatch(/is not a CIDR/);
    expect(parseCidr('fd00::1::/64')).toMatch(/not an IPv4 or IPv6 address/);
    expect(parseCidr('10.0.0.0/33')).toMatch(/longer than 32 bits/);
  });

  it('detects overlap only within a family', () => {
    expect(overlaps(cidr('10.0.0.0/15'), cidr('10.1.0.0/16'))).toBe(true);
    expect(overlaps(cidr('10.0.0.0/15'), cidr('10.2.0.0/16'))).toBe(false);
    expect(overlaps(cidr('fd00:10:1::/48'), cidr('fd00:10:1:5::/64'))).toBe(true);
    expect(overlaps(cidr('fd00:10:1::/48'), cidr('fd00:10:2::/112'))).toBe(false);
  });

  it('formats addresses per RFC 5952 and counts into a prefix', () => {
    expect(nthAddress(cidr('fd00:10:2::/112'), 1)).toBe('fd00:10:2::1');
    expect(nthAddress(cidr('10.2.0.0/16'), 10)).toBe('10.2.0.10');
    expect(formatIp('ipv6', parseIp('2001:db8:0:0:1:0:0:1')!.value)).toBe('2001:db8::1:0:0:1');
    expect(() => nthAddress(cidr('10.0.0.0/30'), 4)).toThrow(RangeError);
  });

  it('normalises IPv4-mapped IPv6 and checks containment', () => {
    expect(canonicalIp('::ffff:172.18.0.2')).toBe('172.18.0.2');
    expect(canonicalIp('::ffff:ac12:2')).toBe('172.18.0.2');
    expect(canonicalIp('FD00:0:0::1')).toBe('fd00::1');
    expect(containsIp(cidr('172.18.0.0/16'), '172.18.3.4')).toBe(true);
    expect(containsIp(cidr('172.18.0.0/16'), '::1')).toBe(false);
  });
});
