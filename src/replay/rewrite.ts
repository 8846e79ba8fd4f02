/**
 * Rewrites a stored envelope so it replays as live data: fresh ids through one shared IdMap,
 * every absolute timestamp moved by one delta, DSN/DSC pointed at the destination.
 */
import { deflateSync, gunzipSync, gzipSync, inflateSync } from 'node:zlib';
import type { PayloadReader } from '../envelope/parse.ts';
import type { Envelope, EnvelopeItem, JsonObject } from '../envelope/types.ts';
import type { IdMapper } from './ids.ts';
import type { Shaper } from './shaping.ts';
import { normalizeId } from './ids.ts';
import { parseMillisTimestamp, parseTimestamp, shiftMillisTimestamp, shiftTimestamp } from './time.ts';

export interface RewriteContext {
  /** Seconds added to every absolute timestamp. */
  deltaSeconds: number;
  /** The run's old→new id map, shared by every envelope of the run. */
  ids: IdMapper;
  destination: { publicKey: string; dsn: string };
  /** Real send time, written to the envelope header's `sent_at`. */
  sentAt: Date;
  /** Overrides (release, environment, tags, users) applied to each JSON payload and the header. */
  shape?: Shaper;
}

/** Default gap between "now" and the newest replayed timestamp, so nothing lands in the future. */
export const DEFAULT_LEAD_SECONDS = 2;
/** Relay's replay recording limit (uncompressed); also caps decompression of hostile input. */
const MAX_RECORDING_BYTES = 100 * 1024 * 1024;
/** Timestamps outside [2000, 2100) are treated as noise (e.g. ms in a seconds field) when finding the newest. */
const PLAUSIBLE_SECONDS = { min: 946_684_800, max: 4_102_444_800 };
const EVENT_TYPES = new Set(['event', 'transaction', 'feedback']);
/** Span v2 / log attributes (and legacy span `data` keys) whose values are ids. */
const ID_ATTRIBUTES = ['sentry.replay_id', 'sentry.segment.id', 'sentry.profiler_id', 'sentry.trace.parent_span_id'];
const ID_DATA_KEYS = ['profiler_id', ...ID_ATTRIBUTES];
const NEWLINE = 0x0a;

/** What the item walkers report each id and time field to: the rewriter edits, the collector reads. */
interface Visitor {
  /** An absolute time in seconds, any Sentry form. */
  time(holder: unknown, key: string | number): void;
  /** An rrweb time in milliseconds. */
  millis(holder: unknown, key: string | number): void;
  id(holder: unknown, key: string | number): void;
  /** An event payload's own `event_id` (the envelope header's id wins, F21). */
  eventId(holder: unknown): void;
  /** A field Relay overwrites anyway (`received`): removed. */
  drop(holder: unknown, key: string): void;
  /** Called once per JSON payload after its fields were walked (overrides). */
  shape?(type: string, payload: unknown): void;
  /** Number of edits made so far (always 0 for the collector). */
  readonly edits: number;
}

type Walk = (payload: unknown, v: Visitor) => void;
type Holder = Record<string | number, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function asList(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function field(holder: unknown, key: string): unknown {
  return isObject(holder) ? holder[key] : undefined;
}

class Rewriter implements Visitor {
  edits = 0;
  constructor(
    private readonly ctx: RewriteContext,
    private readonly headerEventId: string | undefined,
  ) {}

  time(holder: unknown, key: string | number) {
    this.#set(holder, key, (v) => shiftTimestamp(v, this.ctx.deltaSeconds));
  }
  millis(holder: unknown, key: string | number) {
    this.#set(holder, key, (v) => shiftMillisTimestamp(v, this.ctx.deltaSeconds));
  }
  id(holder: unknown, key: string | number) {
    this.#set(holder, key, (v) => this.ctx.ids.map(v));
  }
  eventId(holder: unknown) {
    const own = field(holder, 'event_id');
    if (typeof own !== 'string') return;
    const header = this.headerEventId;
    // Map the payload's own spelling when it names the same id, so its shape (dashes, case) is kept.
    const source = header !== undefined && normalizeId(header) !== normalizeId(own) ? header : own;
    this.#set(holder, 'event_id', () => mapEventId(this.ctx.ids, source));
  }
  drop(holder: unknown, key: string) {
    if (!isObject(holder) || !(key in holder)) return;
    delete holder[key];
    this.edits++;
  }
  shape(type: string, payload: unknown) {
    if (this.ctx.shape?.item(type, payload)) this.edits++;
  }

  #set(holder: unknown, key: string | number, edit: (value: unknown) => unknown) {
    if (typeof holder !== 'object' || holder === null || !(key in holder)) return;
    const target = holder as Holder;
    const next = edit(target[key]);
    if (next === target[key]) return;
    target[key] = next;
    this.edits++;
  }
}

class NewestCollector implements Visitor {
  readonly edits = 0;
  newest: number | null = null;

  time(holder: unknown, key: string | number) {
    this.#see(parseTimestamp(this.#get(holder, key)));
  }
  millis(holder: unknown, key: string | number) {
    this.#see(parseMillisTimestamp(this.#get(holder, key)));
  }
  id() {}
  eventId() {}
  drop() {}

  #get(holder: unknown, key: string | number): unknown {
    return typeof holder === 'object' && holder !== null ? (holder as Holder)[key] : undefined;
  }
  #see(seconds: number | null) {
    if (seconds === null || seconds < PLAUSIBLE_SECONDS.min || seconds >= PLAUSIBLE_SECONDS.max) return;
    if (this.newest === null || seconds > this.newest) this.newest = seconds;
  }
}

// --- item walkers (one per item type; each reports exactly the fields protocol.md §5.3 lists) ---

/** Transaction spans, span v2 / log / trace-metric container items, and `contexts.trace`. */
const walkSpan: Walk = (span, v) => {
  for (const key of ['trace_id', 'span_id', 'parent_span_id', 'segment_id']) v.id(span, key);
  for (const key of ['start_timestamp', 'timestamp', 'end_timestamp']) v.time(span, key);
  const data = field(span, 'data');
  for (const key of ID_DATA_KEYS) v.id(data, key);
  const attributes = field(span, 'attributes');
  for (const key of ID_ATTRIBUTES) {
    const attribute = field(attributes, key);
    v.id(isObject(attribute) ? attribute : attributes, isObject(attribute) ? 'value' : key);
  }
  for (const link of asList(field(span, 'links'))) {
    v.id(link, 'trace_id');
    v.id(link, 'span_id');
  }
};

const walkEvent: Walk = (event, v) => {
  v.eventId(event);
  v.time(event, 'timestamp');
  v.time(event, 'start_timestamp');
  v.drop(event, 'received');
  for (const span of asList(field(event, 'spans'))) walkSpan(span, v);
  const crumbs = field(event, 'breadcrumbs');
  for (const crumb of Array.isArray(crumbs) ? crumbs : asList(field(crumbs, 'values'))) {
    v.time(crumb, 'timestamp');
    const category = field(crumb, 'category');
    if (category === 'sentry.event' || category === 'sentry.transaction') v.id(crumb, 'event_id');
  }
  const contexts = field(event, 'contexts');
  walkSpan(field(contexts, 'trace'), v);
  v.id(field(contexts, 'replay'), 'replay_id');
  v.id(field(contexts, 'profile'), 'profile_id');
  v.id(field(contexts, 'profile'), 'profiler_id');
  v.id(field(contexts, 'feedback'), 'associated_event_id');
  v.id(field(contexts, 'feedback'), 'replay_id');
  v.time(field(contexts, 'app'), 'app_start_time');
  v.time(field(contexts, 'device'), 'boot_time');
  v.id(field(event, 'tags'), 'replayId');
};

const walkContainer: Walk = (payload, v) => {
  // v2 containers hold `{"items":[…]}`; legacy standalone span items are a single span object.
  const items = field(payload, 'items');
  if (Array.isArray(items)) for (const item of items) walkSpan(item, v);
  else walkSpan(payload, v);
};

const walkReplayEvent: Walk = (replay, v) => {
  v.id(replay, 'replay_id');
  v.id(replay, 'event_id');
  for (const key of ['trace_ids', 'error_ids']) {
    const list = asList(field(replay, key));
    list.forEach((_, index) => v.id(list, index));
  }
  v.time(replay, 'timestamp');
  v.time(replay, 'replay_start_timestamp');
};

const walkProfile: Walk = (profile, v) => {
  for (const key of ['event_id', 'profile_id', 'transaction_id', 'trace_id']) v.id(profile, key);
  for (const tx of [field(profile, 'transaction'), ...asList(field(profile, 'transactions'))]) {
    v.id(tx, 'id');
    v.id(tx, 'trace_id');
  }
  v.time(profile, 'timestamp');
};

const walkProfileChunk: Walk = (chunk, v) => {
  v.id(chunk, 'profiler_id');
  v.id(chunk, 'chunk_id');
  for (const sample of asList(field(field(chunk, 'profile'), 'samples'))) v.time(sample, 'timestamp');
  const measurements = field(chunk, 'measurements');
  for (const series of isObject(measurements) ? Object.values(measurements) : []) {
    for (const point of asList(field(series, 'values'))) v.time(point, 'timestamp');
  }
};

/** rrweb events: `timestamp` in ms; custom (`type:5`) breadcrumb / performanceSpan payloads in seconds. */
const walkRecording: Walk = (events, v) => {
  for (const event of asList(events)) {
    v.millis(event, 'timestamp');
    if (field(event, 'type') !== 5) continue;
    const payload = field(field(event, 'data'), 'payload');
    for (const key of ['timestamp', 'startTimestamp', 'endTimestamp']) v.time(payload, key);
  }
};

const JSON_WALKERS: Record<string, Walk> = {
  event: walkEvent,
  transaction: walkEvent,
  feedback: walkEvent,
  session: (session, v) => {
    v.id(session, 'sid');
    v.time(session, 'started');
    v.time(session, 'timestamp');
  },
  sessions: (sessions, v) => {
    for (const aggregate of asList(field(sessions, 'aggregates'))) v.time(aggregate, 'started');
  },
  user_report: (report, v) => v.id(report, 'event_id'),
  check_in: (checkIn, v) => {
    // No timestamp field: Sentry uses the receive time for check-ins.
    v.id(checkIn, 'check_in_id');
    v.id(field(field(checkIn, 'contexts'), 'trace'), 'trace_id');
  },
  log: walkContainer,
  span: walkContainer,
  trace_metric: walkContainer,
  client_report: (r, v) => v.time(r, 'timestamp'),
  replay_event: walkReplayEvent,
  profile: walkProfile,
  profile_chunk: walkProfileChunk,
  profile_chunk_ui: walkProfileChunk,
};

// --- payload codecs ---

const UTF8 = new TextDecoder('utf-8', { fatal: true });
const ENCODER = new TextEncoder();

/** Integers of 15 digits or fewer are always safe; only longer digit runs need the slow reviver. */
const LONG_DIGIT_RUN = /\d{16}/;
const JSON_RAW = JSON as unknown as { rawJSON?: (text: string) => unknown };

/** Keeps integers beyond 2^53 (u64 thread ids, addresses) exact: JSON.parse would round them. */
function keepBigIntegers(_key: string, value: unknown, context?: { source?: string }): unknown {
  const source = context?.source;
  if (typeof value !== 'number' || Number.isSafeInteger(value) || !source || !/^-?\d+$/.test(source)) return value;
  return JSON_RAW.rawJSON ? JSON_RAW.rawJSON(source) : value;
}

function readJson(bytes: Uint8Array): unknown {
  const text = UTF8.decode(bytes);
  // The reviver costs ~15x the parse, so it runs only when a long digit run exists.
  return LONG_DIGIT_RUN.test(text) ? JSON.parse(text, keepBigIntegers) : JSON.parse(text);
}

function writeJson(value: unknown): Uint8Array {
  return ENCODER.encode(JSON.stringify(value));
}

/** Walks a JSON payload; returns new bytes only when an edit was made. Throws on bad JSON. */
function visitJson(bytes: Uint8Array, walk: Walk, v: Visitor): Uint8Array | null {
  const value = readJson(bytes);
  const before = v.edits;
  walk(value, v);
  return v.edits > before ? writeJson(value) : null;
}

/** `{"segment_id":N}\n` + zlib (0x78), gzip (1f 8b) or plain rrweb JSON; recompressed the same way. */
function visitRecording(bytes: Uint8Array, v: Visitor): Uint8Array | null {
  const split = bytes.indexOf(NEWLINE);
  if (split < 0) return null;
  readJson(bytes.subarray(0, split));
  const body = bytes.subarray(split + 1);
  const limit = { maxOutputLength: MAX_RECORDING_BYTES };
  const codec =
    body[0] === 0x78
      ? { decode: (b: Uint8Array) => inflateSync(b, limit), encode: (b: Uint8Array) => deflateSync(b) }
      : body[0] === 0x1f && body[1] === 0x8b
        ? { decode: (b: Uint8Array) => gunzipSync(b, limit), encode: (b: Uint8Array) => gzipSync(b) }
        : { decode: (b: Uint8Array) => b, encode: (b: Uint8Array) => b };
  const edited = visitJson(codec.decode(body), walkRecording, v);
  if (!edited) return null;
  const encoded = codec.encode(edited);
  const out = new Uint8Array(split + 1 + encoded.byteLength);
  out.set(bytes.subarray(0, split + 1));
  out.set(encoded, split + 1);
  return out;
}

/** New payload bytes for an item, or null to keep it byte for byte (unknown type, bad payload, no edit). */
function visitItem(item: EnvelopeItem, v: Visitor): Uint8Array | null {
  const type = item.header.type;
  try {
    if (type === 'replay_recording') return visitRecording(item.payload, v);
    const walk = typeof type === 'string' ? JSON_WALKERS[type] : undefined;
    if (!walk) return null;
    return visitJson(item.payload, (payload, vis) => {
      walk(payload, vis);
      vis.shape?.(type as string, payload);
    }, v);
  } catch {
    // One odd item (bad UTF-8, bad JSON, corrupt compression) is passed through, never fatal.
    return null;
  }
}

function withPayload(item: EnvelopeItem, payload: Uint8Array): EnvelopeItem {
  const header = structuredClone(item.header);
  if ('length' in header || payload.includes(NEWLINE)) header.length = payload.byteLength;
  return { ...item, header, rawHeader: undefined, payload };
}

/**
 * An event's new id. Ids map through the run's map; a value that is no id at all (`"nothex"`,
 * all zeros) would be replayed as it is, so it gets a fresh id too, the same one for the same text
 * (header and payload stay equal).
 */
function mapEventId(ids: IdMapper, value: string): string {
  if (normalizeId(value) !== null) return ids.map(value);
  return ids.map(new Bun.CryptoHasher('sha256').update(`event_id:${value}`).digest('hex').slice(0, 32));
}

// --- public API ---

function rewriteHeader(header: JsonObject, ctx: RewriteContext): JsonObject {
  const out = structuredClone(header);
  if (typeof out.event_id === 'string') out.event_id = mapEventId(ctx.ids, out.event_id);
  out.sent_at = ctx.sentAt.toISOString();
  if ('dsn' in out) out.dsn = ctx.destination.dsn;
  const trace = out.trace;
  if (isObject(trace)) {
    trace.public_key = ctx.destination.publicKey;
    if ('trace_id' in trace) trace.trace_id = ctx.ids.map(trace.trace_id);
    if ('replay_id' in trace) trace.replay_id = ctx.ids.map(trace.replay_id);
    // The source org id names the capture's org; dropping it is allowed (protocol.md §5.3).
    delete trace.org_id;
  }
  ctx.shape?.header(out);
  return out;
}

/**
 * Returns a rewritten copy of `env` (the input is not modified): new ids via `ctx.ids`,
 * timestamps shifted by `ctx.deltaSeconds`, `sent_at`/DSN/DSC pointed at the destination.
 * Unknown item types, attachments and unparsable payloads keep their exact bytes.
 * @see https://develop.sentry.dev/sdk/data-model/envelopes/
 */
export function rewriteEnvelope(env: Envelope, ctx: RewriteContext): Envelope {
  if (!Number.isFinite(ctx.deltaSeconds)) throw new RangeError(`deltaSeconds must be finite, got ${ctx.deltaSeconds}`);
  const headerEventId = typeof env.header.event_id === 'string' ? env.header.event_id : undefined;
  const rewriter = new Rewriter(ctx, headerEventId);
  const items = env.items.map((item) => {
    const payload = visitItem(item, rewriter);
    return payload ? withPayload(item, payload) : { ...item, header: structuredClone(item.header) };
  });
  // Spread first so parser-specific shape fields (leading whitespace, EOF shape) are kept.
  return { ...env, header: rewriteHeader(env.header, ctx), rawHeader: undefined, items };
}

/**
 * The newest absolute timestamp (epoch seconds) in the envelope's items, ignoring `sent_at`.
 * `readJson` lets capture share the payloads it already parsed; the collector only reads them.
 */
export function newestTimestamp(env: Envelope, readJson?: PayloadReader): number | null {
  const collector = new NewestCollector();
  for (const item of env.items) {
    const walk = readJson && typeof item.header.type === 'string' ? JSON_WALKERS[item.header.type] : undefined;
    const json = walk ? readJson!(item) : null;
    // Payloads the shared reader rejects (not an object, a BOM) take the walker's own path, as before.
    if (walk && json) walk(json, collector);
    else visitItem(item, collector);
  }
  return collector.newest;
}

function traceKey(value: unknown): string | null {
  const key = typeof value === 'string' ? normalizeId(value) : null;
  return key !== null && key.length === 32 ? key : null;
}

function safeJson(item: EnvelopeItem): unknown {
  try {
    return readJson(item.payload);
  } catch {
    return undefined;
  }
}

/** The envelope's trace id (lowercase 32 hex): event trace context, then DSC, then first log/span. */
export function traceIdOf(env: Envelope): string | null {
  const typed = (types: string[]) => env.items.filter((i) => types.includes(String(i.header.type)));
  for (const item of typed([...EVENT_TYPES])) {
    const id = traceKey(field(field(field(safeJson(item), 'contexts'), 'trace'), 'trace_id'));
    if (id) return id;
  }
  const fromDsc = traceKey(field(env.header.trace, 'trace_id'));
  if (fromDsc) return fromDsc;
  for (const item of typed(['log', 'span', 'trace_metric'])) {
    const payload = safeJson(item);
    const items = field(payload, 'items');
    const id = traceKey(field(Array.isArray(items) ? items[0] : payload, 'trace_id'));
    if (id) return id;
  }
  return null;
}

/** Whole-second delta that moves `newest` to `now - leadSeconds` or earlier (0 when nothing is timed). */
export function planDelta(newest: number | null, now: number, leadSeconds = DEFAULT_LEAD_SECONDS): number {
  // Whole seconds keep every form exact: integer timestamps stay integers, whole-second strings need no rounding.
  return newest === null ? 0 : Math.floor(now - leadSeconds - newest);
}

/**
 * One delta per input entry; entries sharing a trace id share the delta of the trace's newest
 * timestamp, so a trace's errors, transactions and spans keep their relative timing.
 */
export function planDeltas(
  groups: Iterable<{ traceId: string | null; newest: number | null }>,
  now: number,
  leadSeconds = DEFAULT_LEAD_SECONDS,
): number[] {
  const entries = [...groups];
  const newestByTrace = new Map<string, number>();
  for (const { traceId, newest } of entries) {
    if (traceId === null || newest === null) continue;
    const key = traceId.toLowerCase();
    newestByTrace.set(key, Math.max(newest, newestByTrace.get(key) ?? newest));
  }
  return entries.map(({ traceId, newest }) =>
    planDelta(traceId === null ? newest : (newestByTrace.get(traceId.toLowerCase()) ?? null), now, leadSeconds),
  );
}
