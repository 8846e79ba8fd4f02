/**
 * The JSON shapes of stored envelopes, shared by the CLI (`events list|show --json`) and the
 * HTTP API so both print the same fields. Snake_case keys: scripts and the page rely on them.
 */
import { parseJsonPayload } from '../../envelope/parse.ts';
import { envelopeFromStored } from '../../envelope/stored.ts';
import type { Envelope, EnvelopeItem, JsonObject } from '../../envelope/types.ts';
import type { EnvelopeRecord, EnvelopeRow } from '../../store/index.ts';
import type { ItemIndexEntry } from '../../store/types.ts';

/** The JSON shape of one listed envelope (stable: scripts rely on it). */
export function rowToJson(r: EnvelopeRow) {
  return {
    id: r.id,
    received_at: new Date(r.receivedAt).toISOString(),
    endpoint: r.endpoint,
    project_id: r.projectId,
    public_key: r.publicKey,
    event_id: r.eventId,
    type: r.mainType,
    item_types: r.itemTypes,
    platform: r.platform,
    sdk: r.sdkName,
    sdk_version: r.sdkVersion,
    trace_id: r.traceId,
    release: r.release,
    environment: r.environment,
    title: r.title,
    level: r.level,
    size: r.size,
  };
}

export type EventRowJson = ReturnType<typeof rowToJson>;

/** The CLI's `events show --json`: every item with its header, JSON parsed, anything else as base64. */
export function envelopeToJson(record: EnvelopeRecord) {
  const env = envelopeFromStored(record.endpoint, record.body, record.requestMeta);
  return {
    ...rowToJson(record),
    request: record.requestMeta,
    header: env.header,
    items: env.items.map((item) => {
      const json = parseJsonPayload(item);
      return json ? { header: item.header, payload: json } : { header: item.header, payload_base64: Buffer.from(item.payload).toString('base64'), payload_size: item.payload.byteLength };
    }),
  };
}

/** How the API and page show one item: JSON parsed, anything else as size, content type and previews. */
export interface ItemJson {
  index: number;
  type: string;
  header: JsonObject;
  length: number;
  /** Ids the item carries, from the stored item index. */
  ids: Record<string, string> | null;
  /** False for item types not in Relay's catalogue. */
  known: boolean;
  payload?: JsonObject;
  binary?: BinaryPreview;
  /** The payload bytes exactly as stored. */
  raw_url: string;
}

export interface BinaryPreview {
  size: number;
  content_type: string | null;
  filename: string | null;
  /** Hex of the first HEX_PREVIEW_BYTES bytes, space separated. */
  preview_hex: string;
  /** The start of the payload when it is valid UTF-8 text, else null. */
  preview_text: string | null;
}

export const HEX_PREVIEW_BYTES = 48;
const TEXT_PREVIEW_CHARS = 2000;

/** The API's one-event shape: index fields, request metadata, envelope header, every item decoded. */
export function eventToJson(record: EnvelopeRecord, index: ItemIndexEntry[]) {
  let env: Envelope | null = null;
  let parseError: string | null = null;
  try {
    env = envelopeFromStored(record.endpoint, record.body, record.requestMeta);
  } catch (error) {
    // Stored bodies were parsed at capture; this only trips on rows written by other tools.
    parseError = (error as Error).message;
  }
  return {
    ...rowToJson(record),
    request: record.requestMeta,
    raw_url: `/api/events/${record.id}/raw`,
    parse_error: parseError,
    header: env?.header ?? {},
    items: env ? env.items.map((item, i) => itemToJson(record.id, item, i, index[i])) : [],
  };
}

export type EventJson = ReturnType<typeof eventToJson>;

/** Space-separated hex of the first `max` bytes, with `…` when there are more. */
export function hexPreview(bytes: Uint8Array, max = HEX_PREVIEW_BYTES): string {
  const head = Array.from(bytes.subarray(0, max), (b) => b.toString(16).padStart(2, '0')).join(' ');
  return bytes.byteLength > max ? `${head} …` : head;
}

// --- internal ---

function itemToJson(envelopeId: number, item: EnvelopeItem, index: number, entry: ItemIndexEntry | undefined): ItemJson {
  const type = typeof item.header.type === 'string' ? item.header.type : '';
  const base = {
    index,
    type,
    header: item.header,
    length: item.payload.byteLength,
    ids: entry?.ids ?? null,
    known: entry?.known ?? false,
    raw_url: `/api/events/${envelopeId}/items/${index}/raw`,
  };
  const json = parseJsonPayload(item);
  if (json) return { ...base, payload: json };
  return {
    ...base,
    binary: {
      size: item.payload.byteLength,
      content_type: str(item.header.content_type),
      filename: str(item.header.filename),
      preview_hex: hexPreview(item.payload),
      preview_text: textPreview(item.payload),
    },
  };
}

function textPreview(bytes: Uint8Array): string | null {
  if (!bytes.byteLength) return '';
  const head = bytes.subarray(0, TEXT_PREVIEW_CHARS * 4);
  let text: string;
  try {
    // A fresh decoder per call: `stream` keeps a cut multi-byte character pending instead of failing on it.
    text = new TextDecoder('utf-8', { fatal: true }).decode(head, { stream: head.byteLength < bytes.byteLength });
  } catch {
    return null;
  }
  // Control characters other than tab and line breaks mean this is not text meant for reading.
  if (/[\u0000-\u0008\u000e-\u001f]/.test(text)) return null;
  return text.length > TEXT_PREVIEW_CHARS ? `${text.slice(0, TEXT_PREVIEW_CHARS)}…` : text;
}

function str(v: unknown): string | null {
  return typeof v === 'string' ? v : null;
}
