import { describe, expect, it } from 'vitest';
import { DerReader, TAG, oidText, stringText } from './der-reader.ts';

const bytes = (...b: number[]) => new Uint8Array(b);

describe('DerReader', () => {
  it('reads short and long definite lengths and checks tags', () => {
    const long = new Uint8Array([0x04, 0x81, 0x80, ...new Array(0x80).fill(7)]);
    const reader = new DerReader(long);
    expect(reader.next(TAG.OCTET_STRING).value.length).toBe(0x80);
    reader.end();
    expect(() => new DerReader(bytes(0x02, 0x01, 0x00)).next(TAG.SEQUENCE)).toThrow(/expected tag 0x30/);
  });

  it('rejects indefinite, oversized and overrunning lengths, high tag numbers and trailing bytes', () => {
    expect(() => new DerReader(bytes(0x30, 0x80, 0, 0)).next()).toThrow(/indefinite/);
    expect(() => new DerReader(bytes(0x04, 0x85, 1, 0, 0, 0, 0)).next()).toThrow(/too large/);
    expect(() => new DerReader(bytes(0x04, 0x05, 1, 2)).next()).toThrow(/longer than its container/);
    expect(() => new DerReader(bytes(0x1f, 0x81, 0x01, 0x00)).next()).toThrow(/high tag/);
    const reader = new DerReader(bytes(0x05, 0x00, 0x05));
    reader.next();
    expect(() => reader.end()).toThrow(/trailing/);
  });

  it('spells object identifiers as dotted text', () => {
    expect(oidText(bytes(0x55, 0x04, 0x03))).toBe('2.5.4.3');
    expect(oidText(bytes(0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x0e))).toBe('1.2.840.113549.1.9.14');
    expect(() => oidText(bytes(0x55, 0x84))).toThrow(/truncated/);
    expect(() => oidText(bytes())).toThrow(/empty/);
  });

  it('decodes the string types of names and refuses the rest', () => {
    expect(stringText({ tag: TAG.UTF8_STRING, value: new Uint8Array(Buffer.from('nœud')) })).toBe('nœud');
    expect(stringText({ tag: TAG.PRINTABLE_STRING, value: new Uint8Array(Buffer.from('node-a')) })).toBe('node-a');
    expect(stringText({ tag: TAG.BMP_STRING, value: bytes(0x00, 0x41, 0x03, 0xa9) })).toBe('AΩ');
    expect(stringText({ tag: TAG.UNIVERSAL_STRING, value: bytes(0, 0, 0, 0x41) })).toBe('A');
    expect(() => stringText({ tag: TAG.UNIVERSAL_STRING, value: bytes(0x7f, 0, 0, 0) })).toThrow(/out of range/);
    expect(() => stringText({ tag: TAG.UTF8_STRING, value: bytes(0xc3) })).toThrow(/invalid UTF-8/);
    expect(() => stringText({ tag: TAG.IA5_STRING, value: bytes(0xe9) })).toThrow(/non-ASCII/);
    expect(() => stringText({ tag: TAG.INTEGER, value: bytes(1) })).toThrow(/not a string type/);
  });
});
