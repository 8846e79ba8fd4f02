/**
 * The per-item index of an envelope: position, type, payload size, content type and
 * the ids each item carries, so items can be queried without re-parsing bodies.
 */
import { type PayloadReader, parseJsonPayload } from './parse.ts';
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
  'otel_span', 'otel_log', 'otel_traces_data', 'trace_metric', 'statsd', 'metric_buckets', 'metric_meta', 'raw_security', 'security',
  'nel', 'unreal_report', 'form_data',
]);

/** Binary or opaque payloads that are never decoded for ids. */
const OPAQUE_TYPES = new Set(['attachment', 'replay_recording', 'replay_video', 'unreal_report', 'statsd', 'form_data']);

export function indexItems(env: Envelope, readJson: PayloadReader = parseJsonPayload): ItemIndexEntry[] {
  return env.items.map((item, position) => indexItem(item, position, env.header, readJson));
}

// --- internal ---

function indexItem(item: EnvelopeItem, position: number, header: JsonObject, readJson: PayloadReader): ItemIndexEntry {
  const type = typeof item.header.type === 'string' ? item.header.type : '';
  const json = OPAQUE_TYPES.has(type) ? null : readJson(item);
  const ids = collectIds(type, json, item, header);
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

/** Item types linked to the envelope's event through the header `event_id` rather than their payload. */
const EVENT_BOUND_TYPES = new Set(['attachment', 'user_report', 'raw_security', 'unreal_report', 'form_data', 'nel']);

function collectIds(type: string, json: JsonObject | null, item: EnvelopeItem, header: JsonObject): Record<string, string> {
  const ids: Record<string, string> = {};
  const put = (key: string, value: unknown) => {
    if (typeof value === 'string' && value) ids[key] = value;
    else if (typeof value === 'number' && Number.isFinite(value)) ids[key] = String(value);
  };
  if (EVENT_BOUND_TYPES.has(type)) put('event_id', header.event_id);
  if (CONTAINER_TYPES.has(type)) put('item_count', item.header.item_count ?? (Array.isArray(json?.items) ? json.items.length : undefined));
  if (!json) return ids;
  put('event_id', json.event_id);
  const contexts = obj(json.contexts);
  const trace = obj(contexts?.trace);
  put('trace_id', trace?.trace_id ?? json.trace_id);
  put('span_id', trace?.span_id ?? json.span_id);
  put('replay_id', json.replay_id ?? obj(contexts?.replay)?.replay_id ?? obj(contexts?.feedback)?.replay_id);
  put('profile_id', json.profile_id ?? obj(contexts?.profile)?.profile_id);
  put('profiler_id', json.profiler_id ?? obj(contexts?.profile)?.profiler_id);
  put('chunk_id', json.chunk_id);
  put('sid', json.sid);
  put('check_in_id', json.check_in_id);
  put('monitor_slug', json.monitor_slug);
  put('associated_event_id', obj(contexts?.feedback)?.associated_event_id);
  PER_TYPE[type]?.(json, put);
  return ids;
}

type Put = (key: string, value: unknown) => void;

/** Ids that only some item types carry, or carry somewhere else. */
const PER_TYPE: Record<string, (json: JsonObject, put: Put) => void> = {
  replay_event: (json, put) => {
    put('trace_ids', joinIds(json.trace_ids));
    put('error_ids', joinIds(json.error_ids));
  },
  // Profile format v1: the profile id is the payload's event_id; the transaction it belongs to is
  // `transaction`, older `transactions[0]`, or legacy Android top-level fields.
  profile: (json, put) => {
    const transaction = obj(json.transaction) ?? (Array.isArray(json.transactions) ? obj(json.transactions[0]) : null);
    put('profile_id', json.event_id ?? json.profile_id);
    put('transaction_id', transaction?.id ?? json.transaction_id);
    put('trace_id', transaction?.trace_id ?? json.trace_id);
  },
  log: (json, put) => containerIds(json, put),
  span: (json, put) => containerIds(json, put),
  trace_metric: (json, put) => containerIds(json, put),
  client_report: (json, put) => {
    const discarded = Array.isArray(json.discarded_events) ? json.discarded_events : [];
    put('discarded_events', discarded.reduce<number>((sum, entry) => sum + (Number(obj(entry)?.quantity) || 0), 0));
  },
};

const CONTAINER_TYPES = new Set(['log', 'span', 'trace_metric']);

/** A container's trace id is its first entry's; all distinct ones are listed when there are several. */
function containerIds(json: JsonObject, put: Put): void {
  const entries = Array.isArray(json.items) ? json.items.map(obj) : [];
  const traces = [...new Set(entries.map((entry) => entry?.trace_id).filter((id) => typeof id === 'string'))];
  put('trace_id', traces[0]);
  if (traces.length > 1) put('trace_ids', traces.join(','));
}

function joinIds(value: unknown): string | undefined {
  const list = Array.isArray(value) ? value.filter((id) => typeof id === 'string' && id) : [];
  return list.length ? list.join(',') : undefined;
}

function obj(v: unknown): JsonObject | null {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as JsonObject) : null;
}

function str(v: unknown): string | null {
  return typeof v === 'string' ? v : null;
}
