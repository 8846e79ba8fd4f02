/**
 * Byte-exact envelope parser: bytes in, an `Envelope` or an `EnvelopeParseError` out.
 * Framing follows Relay; raw header bytes and skipped whitespace are kept so serialisation round-trips.
 */
import { EnvelopeParseError } from '../shared/errors.ts';
import type { Envelope, EnvelopeItem, JsonObject } from './types.ts';

const NEWLINE = 0x0a;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
/** The bytes serde_json (Relay's reader) skips between values: space, \t, \n, \r. */
const WHITESPACE = new Set([0x20, 0x09, 0x0a, 0x0d]);
/** Relay reads `length` as a u32. */
const MAX_LENGTH = 0xffff_ffff;

const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * An item as parsed. `headerEndsAtEof` marks Relay's "last header needs no newline" case
 * (`{"type":"attachment","length":0}` at EOF), which `EnvelopeItem` alone cannot express.
 */
export interface ParsedItem extends EnvelopeItem {
  /** True when this last item's header line is the final byte sequence (no `\n`, no payload). */
  headerEndsAtEof?: boolean;
}

/** An envelope as parsed, with the two byte-shape details `Envelope` has no field for. */
export interface ParsedEnvelope extends Envelope {
  /** Whitespace before the envelope header; Relay's JSON stream reader skips it. */
  leading?: Uint8Array;
  /** True when the body ends right after the header JSON (header-only, no trailing `\n`). */
  headerEndsAtEof?: boolean;
  items: ParsedItem[];
}

interface HeaderLine {
  header: JsonObject;
  raw: Uint8Array;
  /** Index just past the closing `}`. */
  end: number;
}

/**
 * Parses an envelope without ever decoding the body as text; only header lines are decoded.
 * Throws `EnvelopeParseError` with the byte offset of the fault.
 *
 * Choices, each matching Relay's stream reader (serde_json) unless noted:
 * - A UTF-8 byte order mark before the envelope header is rejected ('bad-header-json'): protocol.md
 *   does not mention BOMs, and serde_json treats `EF BB BF` as an unexpected value.
 * - Whitespace before the envelope header is skipped (kept in `leading`), as before item headers.
 * - Item headers need no `type` (current Relay reads a missing type as unknown); `"length": null`
 *   counts as no length.
 * - Every header-line fault is 'bad-header-json', envelope or item; only top-level duplicate
 *   keys are checked (stricter than Relay, per the envelope spec).
 * @see https://develop.sentry.dev/sdk/foundations/transport/envelopes/
 */
export function parseEnvelope(bytes: Uint8Array): ParsedEnvelope {
  if (bytes.length === 0) {
    throw new EnvelopeParseError('empty', 'empty envelope: the request body has zero bytes', 0);
  }
  const start = skipWhitespace(bytes, 0);
  if (start === bytes.length) {
    const message = `empty envelope: the body is ${bytes.length} bytes of whitespace and has no header`;
    throw new EnvelopeParseError('empty', message, 0);
  }
  const head = readHeaderLine(bytes, start, 'envelope header');
  const envelope: ParsedEnvelope = { header: head.header, rawHeader: head.raw, items: [] };
  if (start > 0) envelope.leading = copy(bytes, 0, start);
  if (head.end === bytes.length) {
    envelope.headerEndsAtEof = true;
    return envelope;
  }
  let offset = head.end + 1;
  while (offset < bytes.length) {
    const { item, next } = readItem(bytes, offset, envelope.items.length + 1);
    envelope.items.push(item);
    offset = next;
  }
  return envelope;
}

/**
 * The item payload as a JSON object, or null when it is not one (binary, invalid UTF-8, invalid
 * JSON, an array or a scalar). Never throws.
 */
export function parseJsonPayload(item: Pick<EnvelopeItem, 'payload'>): JsonObject | null {
  const bytes = item.payload;
  // Cheap rejection of attachments and recordings before decoding anything.
  if (!(bytes instanceof Uint8Array) || bytes[skipWhitespace(bytes, 0)] !== OPEN_BRACE) return null;
  try {
    const value: unknown = JSON.parse(UTF8.decode(bytes));
    return isJsonObject(value) ? value : null;
  } catch {
    return null;
  }
}

/** Reads an item's JSON payload: `parseJsonPayload`, or a memo of it shared by several readers. */
export type PayloadReader = (item: Pick<EnvelopeItem, 'payload'>) => JsonObject | null;

/**
 * A `parseJsonPayload` that parses each payload at most once: capture reads every payload for the
 * summary, the item index and the newest timestamp. Readers must treat the objects as read-only.
 */
export function createPayloadReader(): PayloadReader {
  const memo = new Map<Uint8Array, JsonObject | null>();
  return (item) => {
    let json = memo.get(item.payload);
    if (json === undefined) memo.set(item.payload, (json = parseJsonPayload(item)));
    return json;
  };
}

/** True for a plain JSON object (not null, not an array). */
export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// --- internal ---

function readItem(bytes: Uint8Array, offset: number, index: number): { item: ParsedItem; next: number } {
  const label = `item ${index}`;
  const start = skipWhitespace(bytes, offset);
  if (start === bytes.length) {
    // Relay's stream reader skips the whitespace, finds no header and fails with "unexpected EOF".
    const message = `${label}: expected an item header at byte ${offset} but only whitespace follows until the end (no whitespace is allowed after the final newline)`;
    throw new EnvelopeParseError('bad-header-json', message, offset);
  }
  const head = readHeaderLine(bytes, start, `${label} header`);
  const length = readLength(head.header, label, start);
  // The last header needs no newline, so the payload may start (empty) at EOF.
  const payloadStart = Math.min(head.end + 1, bytes.length);
  const payloadEnd =
    length === null ? endOfLine(bytes, payloadStart) : endOfSizedPayload(bytes, payloadStart, length, label);
  const item: ParsedItem = { header: head.header, rawHeader: head.raw, payload: copy(bytes, payloadStart, payloadEnd) };
  if (start > offset) item.leading = copy(bytes, offset, start);
  if (payloadEnd === bytes.length) item.endsAtEof = true;
  if (head.end === bytes.length) item.headerEndsAtEof = true;
  return { item, next: payloadEnd + 1 };
}

function readHeaderLine(bytes: Uint8Array, start: number, label: string): HeaderLine {
  const end = findObjectEnd(bytes, start, label);
  const raw = copy(bytes, start, end);
  const header = decodeHeader(raw, start, label);
  const next = bytes[end];
  if (next !== undefined && next !== NEWLINE) {
    const message = `${label}: expected a newline after the header JSON at byte ${end}, found ${describeByte(next)}`;
    throw new EnvelopeParseError('missing-newline', message, end);
  }
  return { header, raw, end };
}

/** Finds the byte after the `}` closing the object at `start`; strings may hold any byte. */
function findObjectEnd(bytes: Uint8Array, start: number, label: string): number {
  const first = bytes[start];
  if (first !== OPEN_BRACE) {
    const message = `${label} at byte ${start} must be a JSON object, found ${describeByte(first)}${bomHint(bytes, start)}`;
    throw new EnvelopeParseError('bad-header-json', message, start);
  }
  let depth = 0;
  let inString = false;
  for (let i = start; i < bytes.length; i++) {
    const b = bytes[i];
    if (inString) {
      if (b === BACKSLASH) i++;
      else if (b === QUOTE) inString = false;
    } else if (b === QUOTE) inString = true;
    else if (b === OPEN_BRACE || b === OPEN_BRACKET) depth++;
    else if ((b === CLOSE_BRACE || b === CLOSE_BRACKET) && --depth === 0) return i + 1;
  }
  const message = `${label} at byte ${start} is not a complete JSON object: the envelope ends at byte ${bytes.length} before its closing brace`;
  throw new EnvelopeParseError('bad-header-json', message, bytes.length);
}

function decodeHeader(raw: Uint8Array, offset: number, label: string): JsonObject {
  let text: string;
  let value: unknown;
  try {
    text = UTF8.decode(raw);
  } catch {
    throw new EnvelopeParseError('bad-header-json', `${label} at byte ${offset} is not valid UTF-8`, offset);
  }
  try {
    value = JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new EnvelopeParseError('bad-header-json', `${label} at byte ${offset} is not valid JSON: ${reason}`, offset);
  }
  const duplicate = findDuplicateKey(text);
  if (duplicate !== null) {
    // protocol.md §4.1: a header with a repeated key is invalid and sinks the whole envelope.
    const message = `${label} at byte ${offset} repeats the key ${JSON.stringify(duplicate)}; duplicate header keys are invalid`;
    throw new EnvelopeParseError('bad-header-json', message, offset);
  }
  return value as JsonObject;
}

/**
 * The first top-level key that occurs twice in already-validated object JSON, else null.
 * Nested objects are not checked: Relay keeps them as free-form JSON values.
 */
function findDuplicateKey(json: string): string | null {
  const seen = new Set<string>();
  let depth = 0;
  for (let i = 0; i < json.length; i++) {
    const c = json[i];
    if (c === '"') {
      const end = stringEnd(json, i);
      if (depth === 1 && isFollowedByColon(json, end)) {
        const key = JSON.parse(json.slice(i, end)) as string;
        if (seen.has(key)) return key;
        seen.add(key);
      }
      i = end - 1;
    } else if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') depth--;
  }
  return null;
}

/** Index just past the closing quote of the JSON string starting at `start`. */
function stringEnd(json: string, start: number): number {
  let i = start + 1;
  while (i < json.length && json[i] !== '"') i += json[i] === '\\' ? 2 : 1;
  return i + 1;
}

function isFollowedByColon(json: string, start: number): boolean {
  let i = start;
  while (i < json.length && ' \t\n\r'.includes(json[i] as string)) i++;
  return json[i] === ':';
}

function readLength(header: JsonObject, label: string, offset: number): number | null {
  const value = header.length;
  // Relay reads `length` as an optional number, so an explicit null means "no length".
  if (value === undefined || value === null) return null;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > MAX_LENGTH) {
    const message = `${label} header at byte ${offset}: "length" must be a non-negative integer byte count, got ${JSON.stringify(value)}`;
    throw new EnvelopeParseError('bad-length', message, offset);
  }
  return value;
}

function endOfSizedPayload(bytes: Uint8Array, start: number, length: number, label: string): number {
  const end = start + length;
  if (end > bytes.length) {
    const message = `${label}: length ${length} overruns the envelope at byte ${bytes.length} (payload starts at byte ${start}, ${bytes.length - start} bytes remain)`;
    throw new EnvelopeParseError('length-overflow', message, bytes.length);
  }
  const next = bytes[end];
  if (next !== undefined && next !== NEWLINE) {
    const message = `${label}: expected a newline after the ${length}-byte payload at byte ${end}, found ${describeByte(next)} (is "length" counted in bytes?)`;
    throw new EnvelopeParseError('missing-newline', message, end);
  }
  return end;
}

/** Without `length` the payload runs to the next `\n` (a `\r` before it stays in the payload) or EOF. */
function endOfLine(bytes: Uint8Array, start: number): number {
  const newline = bytes.indexOf(NEWLINE, start);
  return newline === -1 ? bytes.length : newline;
}

function skipWhitespace(bytes: Uint8Array, start: number): number {
  let i = start;
  while (i < bytes.length && WHITESPACE.has(bytes[i] as number)) i++;
  return i;
}

/** A fresh, unshared copy: payloads must not keep (or alias) the whole request buffer. */
function copy(bytes: Uint8Array, start: number, end: number): Uint8Array {
  return new Uint8Array(bytes.subarray(start, end));
}

function describeByte(byte: number | undefined): string {
  if (byte === undefined) return 'the end of the envelope';
  const hex = `0x${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  if (byte === 0x0d) return `${hex} ('\\r'; lines must end with a bare \\n)`;
  if (byte >= 0x20 && byte < 0x7f) return `${hex} ('${String.fromCharCode(byte)}')`;
  return hex;
}

function bomHint(bytes: Uint8Array, start: number): string {
  const isBom = bytes[start] === 0xef && bytes[start + 1] === 0xbb && bytes[start + 2] === 0xbf;
  return isBom ? ' (a UTF-8 byte order mark, which Relay rejects too)' : '';
}
