/**
 * SQLite schema (drizzle-orm). Column keys match the future PostgreSQL schema so
 * the Store interface can hide the dialect. Times are integer epoch milliseconds.
 */
import { blob, index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

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
    /** The request body after undoing HTTP Content-Encoding, byte for byte. */
    body: blob('body', { mode: 'buffer' }).notNull(),
  },
  (t) => [
    index('envelopes_main_type_idx').on(t.mainType),
    index('envelopes_platform_idx').on(t.platform),
    index('envelopes_project_idx').on(t.projectId),
    index('envelopes_trace_idx').on(t.traceId),
    index('envelopes_event_id_idx').on(t.eventId),
  ],
);
