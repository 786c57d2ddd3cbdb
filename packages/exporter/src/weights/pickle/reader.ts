/**
 * Byte-level reading for the unpickler: every read checks its length against the bytes left
 * before touching or allocating anything, and reports through the caller's `fail`.
 */
import type { GcError } from '@gc-edge/core';

const MAX_LONG_BYTES = 64;

export class PickleReader {
  readonly view: DataView;

  constructor(
    readonly bytes: Uint8Array,
    public pos: number,
    private readonly fail: (what: string) => GcError,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  need(n: number): number {
    if (n > this.bytes.length - this.pos) {
      throw this.fail(`needs ${n} more bytes but the data ends at byte ${this.bytes.length}`);
    }
    const at = this.pos;
    this.pos += n;
    return at;
  }

  u8(): number {
    return this.bytes[this.need(1)]!;
  }
  u16(): number {
    return this.view.getUint16(this.need(2), true);
  }
  i32(): number {
    return this.view.getInt32(this.need(4), true);
  }
  u32(): number {
    return this.view.getUint32(this.need(4), true);
  }
  u64(): number {
    const at = this.need(8);
    const hi = this.view.getUint32(at + 4, true);
    // anything at or above 2^53 is larger than any buffer; report it as such
    return hi >= 0x200000 ? Number.MAX_SAFE_INTEGER : hi * 4294967296 + this.view.getUint32(at, true);
  }
  slice(n: number): Uint8Array {
    const at = this.need(n);
    return Uint8Array.prototype.slice.call(this.bytes, at, at + n); // a copy, also when given a Buffer
  }
  utf8(n: number): string {
    const at = this.need(n);
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(this.bytes.subarray(at, at + n));
    } catch {
      throw this.fail(`string of ${n} bytes is not valid UTF-8`);
    }
  }
  /** Python 2 str: UTF-8 when valid (torch.load's default encoding), else Latin-1. */
  py2str(n: number): string {
    const at = this.need(n);
    const raw = this.bytes.subarray(at, at + n);
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(raw);
    } catch {
      return Buffer.from(raw).toString('latin1');
    }
  }
  line(): string {
    const end = this.bytes.indexOf(0x0a, this.pos);
    if (end < 0) throw this.fail('text argument has no terminating newline');
    const text = Buffer.from(this.bytes.subarray(this.pos, end)).toString('latin1');
    this.pos = end + 1;
    return text;
  }
  long(n: number): number | bigint {
    if (n < 0) throw this.fail(`negative integer length ${n}`);
    if (n > MAX_LONG_BYTES) throw this.fail(`integer of ${n} bytes is too large for a weights file`);
    const at = this.need(n);
    if (n === 0) return 0;
    let v = 0n;
    for (let i = n - 1; i >= 0; i--) v = (v << 8n) | BigInt(this.bytes[at + i]!);
    if (this.bytes[at + n - 1]! & 0x80) v -= 1n << BigInt(8 * n);
    return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
  }
  f64be(): number {
    return this.view.getFloat64(this.need(8), false);
  }
}
