/**
 * SQLite schema (drizzle-orm). Column keys match the future PostgreSQL schema so
 * the Store interface can hide the dialect. Times are integer epoch milliseconds.
 */
import { blob, index, integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/** One row per accepted ingest request: the decoded body bytes plus index columns. */
export const envelopes = sqliteTable(
  'envelopes',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    receivedAt: integer('received_at').notNull(),
    /** envelope | store | minidump | security | unreal | cron | … */
    endpoint: text('endpoint').notNull(),
    projectId: integer('project_id').notNull(),
    publicKey: text('public_key'),
    eventId: text('event_id'),
    /** Item types in order of first appearance, space separated. */
    itemTypes: text('item_types').notNull(),
    mainType: text('main_type').notNull(),
    platform: text('platform'),
    sdkName: text('sdk_name'),
    sdkVersion: text('sdk_version'),
    traceId: text('trace_id'),
    release: text('release'),
    environment: text('environment'),
    title: text('title'),
    level: text('level'),
    /** Newest absolute timestamp inside the payloads (epoch ms), for replay time shifting. */
    eventTs: integer('event_ts'),
    /** Byte length of `body`. */
    size: integer('size').notNull(),
    /** Selected request headers and metadata as JSON (content-type, content-encoding, user-agent, origin, …). */
    requestMeta: text('request_meta', { mode: 'json' }).$type<Record<string, string>>().notNull(),
    /** The request body after undoing HTTP Content-Encoding, byte for byte (see bodyEncoding). */
    body: blob('body', { mode: 'buffer' }).notNull(),
    /** How `body` is stored: identity, or compressed (zstd/deflate) and decompressed on read. */
    bodyEncoding: text('body_encoding').notNull().default('identity'),
  },
  (t) => [
    index('envelopes_main_type_idx').on(t.mainType),
    index('envelopes_platform_idx').on(t.platform),
    index('envelopes_project_idx').on(t.projectId),
    index('envelopes_trace_idx').on(t.traceId),
    index('envelopes_event_id_idx').on(t.eventId),
    index('envelopes_sdk_idx').on(t.sdkName),
    index('envelopes_received_idx').on(t.receivedAt),
  ],
);

/** Per-item index of each stored envelope: position, type, sizes and the ids the item carries. */
export const envelopeItems = sqliteTable(
  'envelope_items',
  {
    envelopeId: integer('envelope_id').notNull().references(() => envelopes.id, { onDelete: 'cascade' }),
    /** 0-based position in the envelope. */
    position: integer('position').notNull(),
    type: text('type').notNull(),
    /** Payload bytes. */
    length: integer('length').notNull(),
    contentType: text('content_type'),
    filename: text('filename'),
    attachmentType: text('attachment_type'),
    /** Ids the item carries (event_id, trace_id, replay_id, sid, check_in_id, profile ids, …) as a JSON object. */
    ids: text('ids', { mode: 'json' }).$type<Record<string, string>>(),
    /** False for item types Undertaker does not know (kept verbatim all the same). */
    known: integer('known', { mode: 'boolean' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.envelopeId, t.position] }), index('envelope_items_type_idx').on(t.type)],
);

/** One row per replay run (CLI, API or schedule). */
export const replayRuns = sqliteTable('replay_runs', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  startedAt: integer('started_at').notNull(),
  finishedAt: integer('finished_at'),
  /** running | succeeded | failed | stopped */
  status: text('status').notNull(),
  /** cli | api | schedule */
  trigger: text('trigger').notNull(),
  /** The run's options (filters, destinations without secrets, pacing, overrides) as JSON. */
  options: text('options', { mode: 'json' }).$type<Record<string, unknown>>().notNull(),
  selected: integer('selected').notNull().default(0),
  sent: integer('sent').notNull().default(0),
  accepted: integer('accepted').notNull().default(0),
  rejected: integer('rejected').notNull().default(0),
  failed: integer('failed').notNull().default(0),
  skipped: integer('skipped').notNull().default(0),
  rateLimited: integer('rate_limited').notNull().default(0),
  /** Responses per HTTP status as JSON ({"200": 12, "429": 1, "network": 0}). */
  byStatus: text('by_status', { mode: 'json' }).$type<Record<string, number>>().notNull(),
  error: text('error'),
});

/** Each envelope's outcome within a run. */
export const replayOutcomes = sqliteTable(
  'replay_outcomes',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    runId: integer('run_id').notNull().references(() => replayRuns.id, { onDelete: 'cascade' }),
    envelopeId: integer('envelope_id').notNull(),
    /** Destination DSN without secret. */
    destination: text('destination').notNull(),
    at: integer('at').notNull(),
    /** accepted | rejected | failed | rate_limited | skipped | dry_run */
    outcome: text('outcome').notNull(),
    httpStatus: integer('http_status'),
    reason: text('reason'),
    attempts: integer('attempts').notNull().default(0),
    oldEventId: text('old_event_id'),
    newEventId: text('new_event_id'),
    newTraceId: text('new_trace_id'),
  },
  (t) => [index('replay_outcomes_run_idx').on(t.runId)],
);

/** Durable outbox for forwarding captured requests to an upstream Sentry. */
export const outbox = sqliteTable(
  'outbox',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    /** The stored envelope, or null in forward-only mode (then `body` holds the bytes). */
    envelopeId: integer('envelope_id'),
    createdAt: integer('created_at').notNull(),
    /** Source project id; delivery is in order per source. */
    projectId: integer('project_id').notNull(),
    /** Upstream DSN (with key) this row goes to. */
    upstream: text('upstream').notNull(),
    /** Data categories of the items (for per-category rate limits), space separated. */
    categories: text('categories').notNull(),
    body: blob('body', { mode: 'buffer' }),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: integer('next_attempt_at').notNull(),
    lastError: text('last_error'),
    /** Store ids this capture already came through (x-undertaker-origin), forwarded on with ours. */
    origin: text('origin'),
  },
  (t) => [index('outbox_due_idx').on(t.projectId, t.id)],
);

/**
 * Who delivers the outbox: one row, held by one `serve` at a time and renewed while it works, so
 * two processes on one database (or a restart while the old one still drains) never send a row twice.
 */
export const outboxLease = sqliteTable('outbox_lease', {
  id: integer('id').primaryKey(),
  /** `<host>:<pid>:<random>` of the holder. */
  owner: text('owner').notNull(),
  /** Epoch ms after which another process may take the lease over. */
  expiresAt: integer('expires_at').notNull(),
});

/** Facts about this database; `store_id` (random, made by migration 0005) names it to other Undertakers. */
export const storeMeta = sqliteTable('store_meta', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
});
