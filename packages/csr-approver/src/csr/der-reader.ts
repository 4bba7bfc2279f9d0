/**
 * A strict reader for the DER that PKCS#10 requests are made of: each call
 * reads one tag-length-value element and checks it lies wholly inside its
 * parent. Only definite lengths of up to four bytes and low tag numbers —
 * what DER allows and certificate requests use; anything else is an error,
 * never a guess. Thrown errors are DerError, for the caller to report.
 */
export class DerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DerError';
  }
}

export const TAG = {
  BOOLEAN: 0x01,
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  OID: 0x06,
  UTF8_STRING: 0x0c,
  PRINTABLE_STRING: 0x13,
  TELETEX_STRING: 0x14,
  IA5_STRING: 0x16,
  UNIVERSAL_STRING: 0x1c,
  BMP_STRING: 0x1e,
  SEQUENCE: 0x30,
  SET: 0x31,
  CONTEXT_0_CONSTRUCTED: 0xa0,
} as const;

export interface DerElement {
  tag: number;
  /** The value bytes (a view, not a copy). */
  value: Uint8Array;
}

/** Reads the elements of `bytes` one after the other. */
export class DerReader {
  private offset = 0;

  constructor(private readonly bytes: Uint8Array) {}

  get done(): boolean {
    return this.offset >= this.bytes.length;
  }

  next(expected?: number): DerElement {
    const { bytes } = this;
    if (this.offset + 2 > bytes.length) throw new DerError('truncated element');
    const tag = bytes[this.offset++]!;
    if ((tag & 0x1f) === 0x1f) throw new DerError('high tag numbers are not used in certificate requests');
    if (expected !== undefined && tag !== expected) throw new DerError(`expected tag 0x${expected.toString(16)}, found 0x${tag.toString(16)}`);
    let length = bytes[this.offset++]!;
    if (length === 0x80) throw new DerError('indefinite length is not DER');
    if (length > 0x80) {
      const count = length & 0x7f;
      if (count > 4) throw new DerError('length too large');
      if (this.offset + count > bytes.length) throw new DerError('truncated length');
      length = 0;
      for (let i = 0; i < count; i++) length = length * 256 + bytes[this.offset++]!;
    }
    if (this.offset + length > bytes.length) throw new DerError('element longer than its container');
    const value = bytes.subarray(this.offset, this.offset + length);
    this.offset += length;
    return { tag, value };
  }

  /** Every remaining element. */
  rest(): DerElement[] {
    const elements: DerElement[] = [];
    while (!this.done) elements.push(this.next());
    return elements;
  }

  /** Fails unless everything was read (no trailing bytes). */
  end(): void {
    if (!this.done) throw new DerError('trailing bytes');
  }
}

/** Dotted text of an OBJECT IDENTIFIER's value bytes. */
export function oidText(value: Uint8Array): string {
  if (value.length === 0) throw new DerError('empty object identifier');
  const arcs: number[] = [];
  let arc = 0;
  for (let i = 0; i < value.length; i++) {
    const byte = value[i]!;
    if (arc === 0 && byte === 0x80) throw new DerError('non-minimal object identifier');
    arc = arc * 128 + (byte & 0x7f);
    if (arc > Number.MAX_SAFE_INTEGER / 128) throw new DerError('object identifier arc too large');
    if (!(byte & 0x80)) {
      arcs.push(arc);
      arc = 0;
    } else if (i === value.length - 1) throw new DerError('truncated object identifier');
  }
  const first = arcs.shift()!;
  const head = first < 40 ? [0, first] : first < 80 ? [1, first - 40] : [2, first - 80];
  return [...head, ...arcs].join('.');
}

/** The text of an ASN.1 string type used in names; other tags are errors. */
export function stringText(element: DerElement): string {
  const { tag, value } = element;
  const buffer = Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  switch (tag) {
    case TAG.UTF8_STRING: {
      const text = buffer.toString('utf8');
      if (!Buffer.from(text, 'utf8').equals(buffer)) throw new DerError('invalid UTF-8 in UTF8String');
      return text;
    }
    case TAG.PRINTABLE_STRING:
    case TAG.IA5_STRING:
      if (value.some((b) => b > 0x7f)) throw new DerError('non-ASCII byte in an ASCII string');
      return buffer.toString('latin1');
    case TAG.TELETEX_STRING:
      return buffer.toString('latin1');
    case TAG.BMP_STRING:
      if (value.length % 2) throw new DerError('odd BMPString length');
      return Buffer.from(value).swap16().toString('utf16le');
    case TAG.UNIVERSAL_STRING: {
      if (value.length % 4) throw new DerError('UniversalString length not a multiple of 4');
      let text = '';
      for (let i = 0; i < value.length; i += 4) {
        const code = buffer.readUInt32BE(i);
        if (code > 0x10ffff) throw new DerError('UniversalString character out of range');
        text += String.fromCodePoint(code);
      }
      return text;
    }
    default:
      throw new DerError(`tag 0x${tag.toString(16)} is not a string type`);
  }
}
