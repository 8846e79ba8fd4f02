/**
 * A minimal MessagePack decoder for the crash-upload payloads native SDKs send (`__sentry-event`,
 * `__sentry-breadcrumb1/2`): enough to read event ids and summary fields, never to re-encode.
 * @see https://github.com/msgpack/msgpack/blob/master/spec.md
 */

export class MsgpackError extends Error {}

const MAX_DEPTH = 64;
const utf8 = new TextDecoder('utf-8');

/** Decodes one MessagePack value that must span the whole input. Maps become plain objects. */
export function decodeMsgpack(bytes: Uint8Array): unknown {
  const reader = new Reader(bytes);
  const value = reader.value(0);
  if (reader.offset !== bytes.length) throw new MsgpackError(`${bytes.length - reader.offset} trailing bytes after the value`);
  return value;
}

class Reader {
  offset = 0;
  private readonly view: DataView;
  constructor(private readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  value(depth: number): unknown {
    if (depth > MAX_DEPTH) throw new MsgpackError('nesting too deep');
    const b = this.u8();
    if (b <= 0x7f) return b;
    if (b >= 0xe0) return b - 0x100;
    if ((b & 0xf0) === 0x80) return this.map(b & 0x0f, depth);
    if ((b & 0xf0) === 0x90) return this.array(b & 0x0f, depth);
    if ((b & 0xe0) === 0xa0) return this.str(b & 0x1f);
    return this.tagged(b, depth);
  }

  private tagged(b: number, depth: number): unknown {
    switch (b) {
      case 0xc0: return null;
      case 0xc2: return false;
      case 0xc3: return true;
      case 0xc4: return this.bin(this.u8());
      case 0xc5: return this.bin(this.uint(2));
      case 0xc6: return this.bin(this.uint(4));
      case 0xc7: return this.ext(this.u8());
      case 0xc8: return this.ext(this.uint(2));
      case 0xc9: return this.ext(this.uint(4));
      case 0xca: return this.num(4, (o) => this.view.getFloat32(o));
      case 0xcb: return this.num(8, (o) => this.view.getFloat64(o));
      case 0xcc: return this.uint(1);
      case 0xcd: return this.uint(2);
      case 0xce: return this.uint(4);
      case 0xcf: return this.num(8, (o) => Number(this.view.getBigUint64(o)));
      case 0xd0: return this.num(1, (o) => this.view.getInt8(o));
      case 0xd1: return this.num(2, (o) => this.view.getInt16(o));
      case 0xd2: return this.num(4, (o) => this.view.getInt32(o));
      case 0xd3: return this.num(8, (o) => Number(this.view.getBigInt64(o)));
      case 0xd4: return this.ext(1);
      case 0xd5: return this.ext(2);
      case 0xd6: return this.ext(4);
      case 0xd7: return this.ext(8);
      case 0xd8: return this.ext(16);
      case 0xd9: return this.str(this.u8());
      case 0xda: return this.str(this.uint(2));
      case 0xdb: return this.str(this.uint(4));
      case 0xdc: return this.array(this.uint(2), depth);
      case 0xdd: return this.array(this.uint(4), depth);
      case 0xde: return this.map(this.uint(2), depth);
      case 0xdf: return this.map(this.uint(4), depth);
      default: throw new MsgpackError(`unknown type byte 0x${b.toString(16)} at ${this.offset - 1}`);
    }
  }

  private map(size: number, depth: number): Record<string, unknown> {
    if (size * 2 > this.bytes.length - this.offset) throw new MsgpackError(`map of ${size} entries overruns the input`);
    const out: Record<string, unknown> = {};
    for (let i = 0; i < size; i++) {
      const key = this.value(depth + 1);
      // defineProperty, so a `__proto__` key stays data instead of replacing the prototype.
      Object.defineProperty(out, typeof key === 'string' ? key : String(key), { value: this.value(depth + 1), enumerable: true, writable: true, configurable: true });
    }
    return out;
  }

  private array(size: number, depth: number): unknown[] {
    // Each element needs at least one byte, so a huge declared size fails fast instead of allocating.
    if (size > this.bytes.length - this.offset) throw new MsgpackError(`array of ${size} entries overruns the input`);
    const out: unknown[] = [];
    for (let i = 0; i < size; i++) out.push(this.value(depth + 1));
    return out;
  }

  private str(length: number): string {
    return utf8.decode(this.take(length));
  }

  private bin(length: number): Uint8Array {
    return this.take(length).slice();
  }

  /** Extension values (timestamps, …) carry nothing Undertaker reads. */
  private ext(length: number): null {
    this.take(length + 1);
    return null;
  }

  private u8(): number {
    return this.num(1, (o) => this.view.getUint8(o));
  }

  private uint(size: 1 | 2 | 4): number {
    return this.num(size, (o) => (size === 1 ? this.view.getUint8(o) : size === 2 ? this.view.getUint16(o) : this.view.getUint32(o)));
  }

  private num(size: number, read: (offset: number) => number): number {
    const at = this.offset;
    this.take(size);
    return read(at);
  }

  private take(length: number): Uint8Array {
    if (this.offset + length > this.bytes.length) throw new MsgpackError(`value at ${this.offset} overruns the input`);
    const out = this.bytes.subarray(this.offset, this.offset + length);
    this.offset += length;
    return out;
  }
}
