/**
 * The per-item index of an envelope: position, type, payload size, content type and
 * the ids each item carries, so items can be queried without re-parsing bodies.
 */
import { parseJsonPayload } from './parse.ts';
import type { Envelope, EnvelopeItem, JsonObject } from './types.ts';

export interface ItemIndexEntry {
  position: number;
  type: string;
  length: number;
  contentType: string | null;
  filename: string | null;
  attachmentType: string | null;
  ids: Record<string, string> | null;
  /** False for item types not in Relay's catalogue (kept verbatim regardless). */
  known: boolean;
}

/** Item types in Relay's catalogue (protocol.md §5.1), including legacy names SDKs still send. */
export const KNOWN_ITEM_TYPES: ReadonlySet<string> = new Set([
  'event', 'transaction', 'attachment', 'session', 'sessions', 'user_report', 'feedback', 'client_report',
  'replay_event', 'replay_recording', 'replay_video', 'profile', 'profile_chunk', 'check_in', 'log', 'span',
  'otel_span', 'otel_log', 'trace_metric', 'statsd', 'metric_buckets', 'metric_meta', 'raw_security', 'security',
  'nel', 'unreal_report', 'form_data',
]);

/** Binary or opaque payloads that are never decoded for ids. */
const OPAQUE_TYPES = new Set(['attachment', 'replay_recording', 'replay_video', 'unreal_report', 'statsd']);

export function indexItems(env: Envelope): ItemIndexEntry[] {
  return env.items.map((item, position) => indexItem(item, position, env.header));
}

// --- internal ---

function indexItem(item: EnvelopeItem, position: number, header: JsonObject): ItemIndexEntry {
  const type = typeof item.header.type === 'string' ? item.header.type : '';
  const json = OPAQUE_TYPES.has(type) ? null : parseJsonPayload(item);
  const ids = collectIds(type, json, header);
  return {
    position,
    type,
    length: item.payload.byteLength,
    contentType: str(item.header.content_type),
    filename: str(item.header.filename),
    attachmentType: str(item.header.attachment_type),
    ids: Object.keys(ids).length ? ids : null,
    known: KNOWN_ITEM_TYPES.has(type),
  };
}

function collectIds(type: string, json: JsonObject | null, header: JsonObject): Record<string, string> {
  const ids: Record<string, string> = {};
  const put = (key: string, value: unknown) => {
    if (typeof value === 'string' && value) ids[key] = value;
  };
  // Attachments and other items that belong to an event are linked through the envelope's event id.
  if (type === 'attachment' || type === 'user_report') put('event_id', header.event_id);
  if (!json) return ids;
  put('event_id', json.event_id);
  const trace = obj(obj(json.contexts)?.trace);
  put('trace_id', trace?.trace_id ?? json.trace_id);
  put('span_id', trace?.span_id ?? json.span_id);
  put('replay_id', json.replay_id ?? obj(obj(json.contexts)?.replay)?.replay_id);
  put('profile_id', json.profile_id ?? obj(obj(json.contexts)?.profile)?.profile_id);
  put('profiler_id', json.profiler_id ?? obj(obj(json.contexts)?.profile)?.profiler_id);
  put('chunk_id', json.chunk_id);
  put('sid', json.sid);
  put('check_in_id', json.check_in_id);
  put('monitor_slug', json.monitor_slug);
  put('associated_event_id', obj(obj(json.contexts)?.feedback)?.associated_event_id);
  const first = Array.isArray(json.items) ? obj(json.items[0]) : null;
  if (first) put('trace_id', ids.trace_id ?? first.trace_id);
  return ids;
}

function obj(v: unknown): JsonObject | null {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as JsonObject) : null;
}

function str(v: unknown): string | null {
  return typeof v === 'string' ? v : null;
}
