/**
 * How a captured body is kept at rest: compressed (zstd, else deflate) when that is smaller, else
 * as is, with the encoding stored beside it. Every read decodes back to the exact original bytes.
 */
import * as zlib from 'node:zlib';
import { StoreError } from '../shared/errors.ts';

/** What the store does with new bodies: `zstd`/`deflate` compress them when that saves bytes, `none` never. */
export type BodyCompression = 'zstd' | 'deflate' | 'none';
/** The `body_encoding` column: how one stored body must be decoded. */
export type BodyEncoding = 'identity' | 'zstd' | 'deflate';

/**
 * Bun's own zstd binding is ~30 % cheaper per small envelope than node:zlib's (no stream object per
 * call); both write standard zstd frames, so either reads what the other wrote.
 */
const BUN_ZSTD = typeof Bun !== 'undefined' && typeof Bun.zstdCompressSync === 'function' ? Bun : null;
const HAS_ZSTD = BUN_ZSTD !== null || typeof zlib.zstdCompressSync === 'function';

/** zstd when this runtime has it, else deflate: both beat identity by 2.5–3.5× on SDK envelopes. */
export const DEFAULT_BODY_COMPRESSION: BodyCompression = HAS_ZSTD ? 'zstd' : 'deflate';

/** Below this a frame's own overhead eats most of the gain, so small bodies are kept as they are. */
const MIN_COMPRESS_BYTES = 64;
/** Large bodies are probed on a prefix first, so a 100 MiB JPEG or zip is not compressed for nothing. */
const PROBE_BYTES = 64 * 1024;
/** A probe must shrink at least this much for the whole body to be compressed. */
const PROBE_MAX_RATIO = 0.9;
/** zstd level 1: within 2 % of level 3 on envelopes, and the cheapest per request. */
const ZSTD_LEVEL = 1;

const ENCODERS: Record<Exclude<BodyCompression, 'none'>, (bytes: Uint8Array) => Uint8Array> = {
  zstd: (bytes) =>
    BUN_ZSTD ? BUN_ZSTD.zstdCompressSync(bytes, { level: ZSTD_LEVEL }) : zlib.zstdCompressSync(bytes, { params: { [zlib.constants.ZSTD_c_compressionLevel]: ZSTD_LEVEL } }),
  deflate: (bytes) => zlib.deflateRawSync(bytes, { level: 6 }),
};

/** The bytes to store for `body` and their encoding: compressed only when that is smaller. */
export function encodeBody(body: Uint8Array, compression: BodyCompression): { bytes: Uint8Array; encoding: BodyEncoding } {
  if (compression === 'none' || body.byteLength < MIN_COMPRESS_BYTES) return { bytes: body, encoding: 'identity' };
  if (compression === 'zstd' && !HAS_ZSTD) throw new StoreError('zstd body compression is not available in this runtime; use deflate or none');
  const encode = ENCODERS[compression];
  if (body.byteLength > PROBE_BYTES && encode(body.subarray(0, PROBE_BYTES)).byteLength > PROBE_BYTES * PROBE_MAX_RATIO) {
    return { bytes: body, encoding: 'identity' };
  }
  const packed = encode(body);
  return packed.byteLength < body.byteLength ? { bytes: packed, encoding: compression } : { bytes: body, encoding: 'identity' };
}

/**
 * The original body from its stored bytes. `size` is the original length (the `size` column):
 * decompression stops there, and a result of any other length is reported as a damaged row.
 */
export function decodeBody(stored: Uint8Array, encoding: string, size: number): Uint8Array {
  if (encoding === 'identity') return stored;
  let out: Uint8Array;
  try {
    if (encoding === 'zstd') out = BUN_ZSTD ? BUN_ZSTD.zstdDecompressSync(stored) : zlib.zstdDecompressSync(stored, { maxOutputLength: Math.max(size, 1) });
    else if (encoding === 'deflate') out = zlib.inflateRawSync(stored, { maxOutputLength: Math.max(size, 1) });
    else throw new Error(`unknown body_encoding "${encoding}" (known: identity, zstd, deflate); written by a newer Undertaker?`);
  } catch (error) {
    throw new StoreError(`cannot decode a stored body (${encoding}): ${(error as Error).message}`, { cause: error });
  }
  if (out.byteLength !== size) throw new StoreError(`a stored ${encoding} body decodes to ${out.byteLength} bytes, not the ${size} recorded; the row is damaged`);
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}
