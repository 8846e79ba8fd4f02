/**
 * The minidump endpoint's conversion: a multipart crash upload (or a raw dump) becomes the envelope
 * Relay builds from it — attachments plus one `form_data` item — and its event id.
 * @see https://develop.sentry.dev/sdk/data-model/envelope-items/ (form_data, event.minidump)
 */
import * as zlib from 'node:zlib';
import { BadRequestError, PayloadTooLargeError } from '../shared/errors.ts';
import { normalizeEventId } from './event-id.ts';
import { DEFAULT_ENVELOPE_LIMITS } from './limits.ts';
import { decodeMsgpack } from './msgpack.ts';
import { boundaryFromContentType, leadingBoundary, type MultipartPart, parseMultipart } from './multipart.ts';
import { isJsonObject } from './parse.ts';
import { ASSIGNED_EVENT_ID, type Envelope, type EnvelopeItem, type JsonObject, type StoredRequestMeta } from './types.ts';

export const MINIDUMP_FIELD = 'upload_file_minidump';
/** Bodies with these content types are the dump itself, not a form. */
const RAW_CONTENT_TYPES = new Set(['application/octet-stream', 'application/x-dmp']);
/** Field names Relay turns into typed attachments (native SDKs upload these beside the dump). */
const ATTACHMENT_TYPES: Record<string, string> = {
  [MINIDUMP_FIELD]: 'event.minidump',
  '__sentry-event': 'event.payload',
  '__sentry-breadcrumb1': 'event.breadcrumbs',
  '__sentry-breadcrumb2': 'event.breadcrumbs',
  'view-hierarchy.json': 'event.view_hierarchy',
};
const MAGIC = { gzip: [0x1f, 0x8b], zstd: [0x28, 0xb5, 0x2f, 0xfd], xz: [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00], bzip2: [0x42, 0x5a, 0x68] };
const encoder = new TextEncoder();
/** Keys that would reach Object.prototype when used as paths. */
const UNSAFE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
const lossyUtf8 = new TextDecoder('utf-8');

/**
 * The envelope Relay makes of a minidump request body (already HTTP-decoded); `meta` supplies the
 * request Content-Type and the event id assigned at capture. Throws Relay's 400s on bad input.
 */
export function minidumpEnvelope(body: Uint8Array, meta: StoredRequestMeta, maxDumpBytes = DEFAULT_ENVELOPE_LIMITS.maxAttachmentSize): Envelope {
  const contentType = (meta['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  const items = RAW_CONTENT_TYPES.has(contentType) ? [rawDumpItem(body, maxDumpBytes)] : formItems(body, meta['content-type'], maxDumpBytes);
  const eventId = eventIdFromItems(items) ?? normalizeEventId(meta[ASSIGNED_EVENT_ID]);
  return { header: eventId ? { event_id: eventId } : {}, items };
}

/** The event id a crash upload carries (`__sentry-event`, then `sentry` form JSON or `sentry[event_id]`). */
export function eventIdFromItems(items: readonly EnvelopeItem[]): string | null {
  const payload = items.find((item) => item.header.attachment_type === 'event.payload');
  if (payload) {
    const event = decodeEventPayload(payload.payload);
    if (event.event_id !== undefined && event.event_id !== null) {
      const id = normalizeEventId(event.event_id);
      if (!id) throw new BadRequestError('invalid messagepack data', [`event_id ${JSON.stringify(event.event_id)} is not a UUID`]);
      return id;
    }
  }
  const formData = items.find((item) => item.header.type === 'form_data');
  for (const [key, value] of formData ? readFormData(formData.payload) : []) {
    // Relay stops at the first `sentry` or `sentry[event_id]` field and ignores errors in either.
    if (key === 'sentry') return normalizeEventId(parseJsonObject(value)?.event_id);
    if (key === 'sentry[event_id]') return normalizeEventId(value);
  }
  return null;
}

/**
 * The event JSON a crash upload brings along, for summaries: the msgpack `__sentry-event`, else the
 * `sentry` form field (or its `sentry__N` chunks) with `sentry[a][b]` fields merged in. Never throws.
 */
export function crashEventJson(env: Envelope): JsonObject | null {
  const payload = env.items.find((item) => item.header.attachment_type === 'event.payload');
  if (payload) {
    try {
      return decodeEventPayload(payload.payload);
    } catch {}
  }
  const formData = env.items.find((item) => item.header.type === 'form_data');
  return formData ? eventFromFormData(readFormData(formData.payload)) : null;
}

/** Relay's form_data payload: each entry is key then value, each a u32 little-endian length and UTF-8 bytes. */
export function writeFormData(entries: ReadonlyArray<readonly [string, string]>): Uint8Array {
  const chunks: Uint8Array[] = [];
  for (const entry of entries) {
    for (const text of entry) {
      const bytes = encoder.encode(text);
      const length = new Uint8Array(4);
      new DataView(length.buffer).setUint32(0, bytes.length, true);
      chunks.push(length, bytes);
    }
  }
  return Buffer.concat(chunks);
}

export function readFormData(payload: Uint8Array): [string, string][] {
  const view = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
  const entries: [string, string][] = [];
  let at = 0;
  const next = (): string | null => {
    if (at + 4 > payload.length) return null;
    const length = view.getUint32(at, true);
    if (at + 4 + length > payload.length) return null;
    const text = lossyUtf8.decode(payload.subarray(at + 4, at + 4 + length));
    at += 4 + length;
    return text;
  };
  for (;;) {
    const key = next();
    const value = key === null ? null : next();
    if (key === null || value === null) return entries;
    entries.push([key, value]);
  }
}

// --- internal ---

function rawDumpItem(body: Uint8Array, maxDumpBytes: number): EnvelopeItem {
  const dump = validDump(body, maxDumpBytes);
  return { header: { type: 'attachment', length: dump.length, attachment_type: 'event.minidump', content_type: 'application/x-dmp', filename: 'Minidump' }, payload: dump };
}

function formItems(body: Uint8Array, contentType: string | undefined, maxDumpBytes: number): EnvelopeItem[] {
  const boundary = boundaryFromContentType(contentType);
  if (!boundary) throw new BadRequestError('invalid multipart data', [`Content-Type ${JSON.stringify(contentType ?? null)} has no multipart boundary`]);
  const items: EnvelopeItem[] = [];
  const fields: [string, string][] = [];
  for (const part of parseMultipart(body, boundary)) {
    if (part.filename !== null) items.push(attachmentItem(part));
    else if (part.name !== null) fields.push([part.name, lossyUtf8.decode(part.data)]);
  }
  const dump = items.find((item) => item.header.attachment_type === 'event.minidump');
  if (!dump) throw new BadRequestError('missing minidump', [`no file field named "${MINIDUMP_FIELD}"`]);
  dump.payload = validDump(unwrapNested(dump.payload), maxDumpBytes);
  dump.header = { ...dump.header, length: dump.payload.length, content_type: 'application/x-dmp', filename: stripContainerExtension(String(dump.header.filename)) };
  if (fields.length) {
    const payload = writeFormData(fields);
    items.push({ header: { type: 'form_data', length: payload.length, content_type: 'text/plain' }, payload });
  }
  return items;
}

function attachmentItem(part: MultipartPart): EnvelopeItem {
  const header = {
    type: 'attachment',
    length: part.data.length,
    attachment_type: ATTACHMENT_TYPES[part.name ?? ''] ?? 'event.attachment',
    content_type: part.contentType ?? 'application/octet-stream',
    filename: part.filename,
  };
  return { header, payload: part.data.slice() };
}

/** Old Electron SDKs nest a whole multipart body in the minidump field; take the dump out of it. */
function unwrapNested(data: Uint8Array): Uint8Array {
  const boundary = leadingBoundary(data);
  if (!boundary) return data;
  const inner = parseMultipart(data, boundary).find((part) => part.name === MINIDUMP_FIELD);
  return inner ? inner.data.slice() : data;
}

/** Undoes a gzip/zstd container (bounded), then checks the `MDMP`/`PMDM` magic. */
function validDump(data: Uint8Array, maxBytes: number): Uint8Array {
  let dump = data;
  const decode = startsWith(data, MAGIC.gzip) ? zlib.gunzipSync : startsWith(data, MAGIC.zstd) ? zlib.zstdDecompressSync : null;
  if (startsWith(data, MAGIC.xz) || startsWith(data, MAGIC.bzip2)) {
    throw new BadRequestError('invalid compression container', ['xz and bzip2 minidump containers are not supported by Undertaker; send the dump plain, gzip or zstd']);
  }
  if (decode) {
    try {
      dump = new Uint8Array(decode(data, { maxOutputLength: maxBytes }));
    } catch (error) {
      if ((error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE' || error instanceof RangeError) {
        throw new PayloadTooLargeError(`envelope exceeded size limits for type 'attachment:minidump' (https://develop.sentry.dev/sdk/envelopes/#size-limits)`);
      }
      throw new BadRequestError('invalid compression container', [(error as Error).message]);
    }
  }
  const magic = String.fromCharCode(...dump.subarray(0, 4));
  if (magic !== 'MDMP' && magic !== 'PMDM') throw new BadRequestError('invalid minidump', ['the minidump does not start with MDMP or PMDM']);
  return dump === data ? data.slice() : dump;
}

function stripContainerExtension(filename: string): string {
  return filename.replace(/\.(gz|xz|bz2|zst)$/, '');
}

function startsWith(data: Uint8Array, magic: number[]): boolean {
  return magic.every((byte, i) => data[i] === byte);
}

function decodeEventPayload(payload: Uint8Array): JsonObject {
  let value: unknown;
  try {
    value = decodeMsgpack(payload);
  } catch (error) {
    throw new BadRequestError('invalid messagepack data', [(error as Error).message]);
  }
  if (!isJsonObject(value)) throw new BadRequestError('invalid messagepack data', ['the __sentry-event payload is not a map']);
  return value;
}

function parseJsonObject(text: string): JsonObject | null {
  try {
    const value: unknown = JSON.parse(text);
    return isJsonObject(value) ? value : null;
  } catch {
    return null;
  }
}

/** `sentry` JSON (or `sentry__1`, `sentry__2`… concatenated), then `sentry[a][b]=v` fields set into it. */
function eventFromFormData(entries: [string, string][]): JsonObject | null {
  const chunks = entries.filter(([key]) => /^sentry__\d+$/.test(key)).sort(([a], [b]) => Number(a.slice(8)) - Number(b.slice(8)));
  const json = entries.find(([key]) => key === 'sentry')?.[1] ?? (chunks.length ? chunks.map(([, v]) => v).join('') : null);
  const event: JsonObject = (json !== null ? parseJsonObject(json) : null) ?? {};
  let found = json !== null;
  for (const [key, value] of entries) {
    const path = /^sentry((?:\[[^\]]*\])+)$/.exec(key)?.[1]?.slice(1, -1).split('][');
    if (!path || path.some((segment) => UNSAFE_KEYS.has(segment))) continue;
    found = true;
    let holder = event;
    for (const segment of path.slice(0, -1)) holder = isJsonObject(holder[segment]) ? holder[segment] : (holder[segment] = {});
    holder[path.at(-1)!] = value;
  }
  return found ? event : null;
}
