/**
 * Envelope serialiser: the byte-exact inverse of `parseEnvelope` for unmodified envelopes, and
 * builders for new items whose `length` is always the payload's UTF-8 byte count.
 */
import type { ParsedEnvelope, ParsedItem } from './parse.ts';
import type { Envelope, EnvelopeItem, JsonObject } from './types.ts';

const NEWLINE_BYTE = 0x0a;
const NEWLINE = Uint8Array.of(NEWLINE_BYTE);
const UTF8 = new TextEncoder();

/** An item header for a new item: `type` is required, any other keys are kept. */
export type ItemHeaderInput = JsonObject & { type: string };

/**
 * Serialises an envelope. Raw header bytes are written when present; otherwise the header is
 * re-encoded and, when it had a `length` key or the payload contains `\n`, `length` is set to
 * the payload's byte count. Leading whitespace and the EOF shape are reproduced exactly.
 * @see https://develop.sentry.dev/sdk/foundations/transport/envelopes/
 */
export function serializeEnvelope(envelope: Envelope | ParsedEnvelope): Uint8Array<ArrayBuffer> {
  const env: ParsedEnvelope = envelope;
  const chunks: Uint8Array[] = [];
  if (env.leading) chunks.push(env.leading);
  chunks.push(env.rawHeader ?? encodeJson(env.header));
  // Only a header-only envelope may end without the header's newline.
  if (env.items.length > 0 || env.headerEndsAtEof !== true) chunks.push(NEWLINE);
  env.items.forEach((item, index) => pushItem(chunks, item, index === env.items.length - 1));
  return concatBytes(chunks);
}

/**
 * A new item whose header `length` is the payload's byte count. A `Uint8Array` payload is used
 * as is (attachments, recordings); any other value is written as JSON.
 */
export function itemFromJson(header: ItemHeaderInput, payload: unknown): EnvelopeItem {
  const bytes = encodePayload(payload);
  return { header: { ...header, length: bytes.length }, payload: bytes };
}

/** A new envelope from a header and `[itemHeader, payload]` pairs (see `itemFromJson`). */
export function envelopeFromJson(
  header: JsonObject,
  items: ReadonlyArray<readonly [ItemHeaderInput, unknown]> = [],
): Envelope {
  return { header: { ...header }, items: items.map(([itemHeader, payload]) => itemFromJson(itemHeader, payload)) };
}

// --- internal ---

function pushItem(chunks: Uint8Array[], item: ParsedItem, isLast: boolean): void {
  const atEof = isLast && item.endsAtEof === true;
  if (item.leading) chunks.push(item.leading);
  chunks.push(encodeItemHeader(item));
  // Relay accepts a final header with no newline and no payload; keep that shape if nothing changed.
  const headerAtEof = atEof && item.headerEndsAtEof === true && item.payload.length === 0;
  if (!headerAtEof) chunks.push(NEWLINE);
  chunks.push(item.payload);
  // A payload that ended at EOF still needs its newline once another item follows it.
  if (!atEof) chunks.push(NEWLINE);
}

function encodeItemHeader(item: EnvelopeItem): Uint8Array {
  if (item.rawHeader && rawHeaderFits(item)) return item.rawHeader;
  const header: JsonObject = { ...item.header };
  if ('length' in header || item.payload.includes(NEWLINE_BYTE)) header.length = item.payload.length;
  return encodeJson(header);
}

/**
 * Raw bytes are trusted only while they still frame the payload: a stale `length`, or a
 * length-less header over a payload that now contains `\n`, would corrupt every later item,
 * so such headers are re-encoded instead.
 */
function rawHeaderFits(item: EnvelopeItem): boolean {
  const declared = item.header.length;
  if (declared === undefined || declared === null) return !item.payload.includes(NEWLINE_BYTE);
  return declared === item.payload.length;
}

function encodePayload(payload: unknown): Uint8Array {
  if (payload instanceof Uint8Array) return payload;
  const json = JSON.stringify(payload);
  if (json === undefined) throw new TypeError(`item payload of type ${typeof payload} cannot be written as JSON`);
  return UTF8.encode(json);
}

function encodeJson(value: JsonObject): Uint8Array {
  return UTF8.encode(JSON.stringify(value));
}

/** One fresh buffer (typed `ArrayBuffer`-backed so it is a valid `fetch` body as is). */
export function concatBytes(chunks: readonly Uint8Array[]): Uint8Array<ArrayBuffer> {
  let size = 0;
  for (const chunk of chunks) size += chunk.length;
  const out = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}
