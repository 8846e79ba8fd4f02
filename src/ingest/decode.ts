/**
 * Request body reading and HTTP Content-Encoding decoding, both bounded.
 * Limits apply to the decoded bytes as in Relay; decompression stops at the
 * limit instead of inflating a bomb into memory.
 */
import * as zlib from 'node:zlib';
import { concatBytes } from '../envelope/serialize.ts';
import { BadRequestError, PayloadTooLargeError, UnsupportedMediaError } from '../shared/errors.ts';

type Decoder = (input: Uint8Array, maxOutputLength: number) => Uint8Array;

// deflate means zlib-wrapped (RFC 1950); some clients send raw deflate, so fall back to it.
const inflateAny: Decoder = (input, maxOutputLength) => {
  try {
    return zlib.inflateSync(input, { maxOutputLength });
  } catch (error) {
    if (isTooLarge(error)) throw error;
    return zlib.inflateRawSync(input, { maxOutputLength });
  }
};

const DECODERS: Record<string, Decoder> = {
  gzip: (b, max) => zlib.gunzipSync(b, { maxOutputLength: max }),
  'x-gzip': (b, max) => zlib.gunzipSync(b, { maxOutputLength: max }),
  deflate: inflateAny,
  br: (b, max) => zlib.brotliDecompressSync(b, { maxOutputLength: max }),
  ...(typeof zlib.zstdDecompressSync === 'function'
    ? { zstd: (b: Uint8Array, max: number) => zlib.zstdDecompressSync(b, { maxOutputLength: max }) }
    : {}),
};

// sentry-ruby sends an empty Content-Encoding and old sentry-java Android sends "UTF-8"; Relay ignores both.
const IGNORED_CODINGS = new Set(['', 'identity', 'utf-8', 'utf8']);

/** The codings to undo, outermost first (`gzip, br` was br-encoded last, so br is undone first). */
export function parseContentEncoding(header: string | null): string[] {
  if (!header) return [];
  return header
    .split(',')
    .map((c) => c.trim().toLowerCase())
    .filter((c) => !IGNORED_CODINGS.has(c))
    .reverse();
}

/** Undoes every coding in the header; throws 415 for an unknown coding, 400 for corrupt data, 413 past `maxBytes`. */
export function decodeBody(body: Uint8Array, contentEncoding: string | null, maxBytes: number): Uint8Array {
  let bytes = body;
  for (const coding of parseContentEncoding(contentEncoding)) {
    const decode = DECODERS[coding];
    if (!decode) throw new UnsupportedMediaError(`unsupported content encoding "${coding}" (supported: ${Object.keys(DECODERS).join(', ')}, identity)`);
    try {
      // A view, not a copy: a large body would otherwise be held twice while it is checked.
      const out = decode(bytes, maxBytes);
      bytes = new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
    } catch (error) {
      if (isTooLarge(error)) throw new PayloadTooLargeError(`request body exceeds ${maxBytes} bytes after ${coding} decompression`);
      throw new BadRequestError(`invalid ${coding} compressed body`, [(error as Error).message]);
    }
  }
  if (bytes.byteLength > maxBytes) throw new PayloadTooLargeError(`request body of ${bytes.byteLength} bytes exceeds the limit of ${maxBytes} bytes`);
  return bytes;
}

/**
 * Reads a request body as bytes, stopping with 413 once `maxBytes` have arrived.
 * Chunked bodies are de-chunked by the HTTP server; Content-Length is only a hint
 * here (a stale one next to chunked framing is never trusted, per RFC 7230 §3.3.3).
 */
export async function readBody(request: Request, maxBytes: number): Promise<Uint8Array> {
  const declared = Number(request.headers.get('content-length'));
  if (!request.headers.has('transfer-encoding') && declared > maxBytes) {
    throw new PayloadTooLargeError(`request body of ${declared} bytes exceeds the limit of ${maxBytes} bytes`);
  }
  if (!request.body) return new Uint8Array(0);
  // With a trusted Content-Length within the limit the framing bounds the body: read it in one
  // native call instead of a stream iterator (several promise turns per request).
  if (!request.headers.has('transfer-encoding') && Number.isSafeInteger(declared) && declared > 0 && request.headers.has('content-length')) {
    try {
      return new Uint8Array(await request.arrayBuffer());
    } catch (error) {
      throw new BadRequestError('incomplete request body: the client closed the connection before sending all of it', [(error as Error).message]);
    }
  }
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for await (const chunk of request.body as unknown as AsyncIterable<Uint8Array>) {
      total += chunk.byteLength;
      if (total > maxBytes) throw new PayloadTooLargeError(`request body exceeds the limit of ${maxBytes} bytes`);
      chunks.push(chunk);
    }
  } catch (error) {
    if (error instanceof PayloadTooLargeError) throw error;
    // The client went away mid-upload: its fault, nothing stored, and no answer will reach it.
    throw new BadRequestError('incomplete request body: the client closed the connection before sending all of it', [(error as Error).message]);
  }
  return chunks.length === 1 ? chunks[0]! : concatBytes(chunks);
}

// --- internal ---

function isTooLarge(error: unknown): boolean {
  return (error as { code?: string })?.code === 'ERR_BUFFER_TOO_LARGE' || error instanceof RangeError;
}

