/**
 * Envelope rows and their item index on SQLite. Inserts go through the group-commit
 * writer: one transaction per batch, each caller resolved only after the commit.
 */
import type { Database } from 'bun:sqlite';
import { and, asc, desc, eq, inArray, max, sql } from 'drizzle-orm';
import type { BunSQLiteDatabase } from 'drizzle-orm/bun-sqlite';
import { createGroupCommit, type GroupCommit } from '../group-commit.ts';
import type { EnvelopeFilter, EnvelopeRow, EnvelopeStore, IngestEndpoint, NewEnvelope } from '../types.ts';
import { countEnvelopes, envelopeWhere as where } from './envelope-queries.ts';
import { toStoreError } from './errors.ts';
import { envelopeItems, envelopes } from './schema.ts';

export function createEnvelopeStore(db: BunSQLiteDatabase, client: Database): EnvelopeStore & { writer: GroupCommit<NewEnvelope, number> } {
  const insertEnvelope = db.insert(envelopes).values(placeholders(ENVELOPE_PARAMS)).returning({ id: envelopes.id }).prepare();
  const insertItem = db.insert(envelopeItems).values(placeholders(ITEM_PARAMS)).prepare();

  const writer = createGroupCommit<NewEnvelope, number>((batch) =>
    client.transaction(() =>
      batch.map((e) => {
        const id = insertEnvelope.get(toParams(e))!.id;
        for (const item of e.items) insertItem.run(itemParams(id, item));
        return id;
      }),
    )(),
    toStoreError,
  );

  return {
    writer,
    insertEnvelope: (e) => writer.submit(e),
    async listEnvelopes(filter) {
      const rows = db
        .select(ROW_COLUMNS)
        .from(envelopes)
        .where(where(filter))
        .orderBy(filter.order === 'asc' ? asc(envelopes.id) : desc(envelopes.id))
        .limit(filter.limit ?? 50)
        .all();
      return rows.map(toRow);
    },
    async getEnvelope(id) {
      const row = db.select().from(envelopes).where(eq(envelopes.id, id)).get();
      return row ? { ...toRow(row), body: new Uint8Array(row.body) } : null;
    },
    async *iterateEnvelopes(filter, pageSize = 200) {
      let afterId = 0;
      let remaining = filter.limit ?? Number.POSITIVE_INFINITY;
      while (remaining > 0) {
        const page = db
          .select()
          .from(envelopes)
          .where(and(where(filter), sql`${envelopes.id} > ${afterId}`))
          .orderBy(asc(envelopes.id))
          .limit(Math.min(pageSize, remaining))
          .all();
        for (const row of page) yield { ...toRow(row), body: new Uint8Array(row.body) };
        if (page.length < pageSize) return;
        afterId = page[page.length - 1]!.id;
        remaining -= page.length;
      }
    },
    async newestPerTrace(filter) {
      const newest = max(sql<number>`coalesce(${envelopes.eventTs}, ${envelopes.receivedAt})`);
      const rows = db
        .select({ traceId: envelopes.traceId, newest })
        .from(envelopes)
        .where(and(where(filter), sql`${envelopes.traceId} is not null`))
        .groupBy(envelopes.traceId)
        .all();
      return new Map(rows.map((r) => [r.traceId!, Number(r.newest)]));
    },
    async listItems(envelopeId) {
      const rows = db.select().from(envelopeItems).where(eq(envelopeItems.envelopeId, envelopeId)).orderBy(asc(envelopeItems.position)).all();
      return rows.map(({ envelopeId: _e, ...r }) => r);
    },
    async deleteEnvelopes(ids) {
      if (!ids.length) return 0;
      // Item index rows go with their envelope through ON DELETE CASCADE (foreign_keys is on).
      return db.delete(envelopes).where(inArray(envelopes.id, ids)).returning({ id: envelopes.id }).all().length;
    },
    async countEnvelopes(filter, opts) {
      return countEnvelopes(db, filter, opts);
    },
  };
}

// --- internal ---

const ENVELOPE_PARAMS = [
  'receivedAt', 'endpoint', 'projectId', 'publicKey', 'eventId', 'itemTypes', 'mainType', 'platform', 'sdkName', 'sdkVersion',
  'traceId', 'release', 'environment', 'title', 'level', 'eventTs', 'size', 'requestMeta', 'body',
] as const;
const ITEM_PARAMS = ['envelopeId', 'position', 'type', 'length', 'contentType', 'filename', 'attachmentType', 'ids', 'known'] as const;

function placeholders<K extends string>(keys: readonly K[]): Record<K, ReturnType<typeof sql.placeholder>> {
  return Object.fromEntries(keys.map((k) => [k, sql.placeholder(k)])) as unknown as Record<K, ReturnType<typeof sql.placeholder>>;
}

const { body: _body, ...ROW_COLUMNS } = {
  id: envelopes.id,
  receivedAt: envelopes.receivedAt,
  endpoint: envelopes.endpoint,
  projectId: envelopes.projectId,
  publicKey: envelopes.publicKey,
  eventId: envelopes.eventId,
  itemTypes: envelopes.itemTypes,
  mainType: envelopes.mainType,
  platform: envelopes.platform,
  sdkName: envelopes.sdkName,
  sdkVersion: envelopes.sdkVersion,
  traceId: envelopes.traceId,
  release: envelopes.release,
  environment: envelopes.environment,
  title: envelopes.title,
  level: envelopes.level,
  eventTs: envelopes.eventTs,
  size: envelopes.size,
  requestMeta: envelopes.requestMeta,
  body: envelopes.body,
};

type DbRow = Omit<typeof envelopes.$inferSelect, 'body' | 'bodyEncoding'>;

function toRow(r: DbRow): EnvelopeRow {
  return {
    id: r.id,
    receivedAt: r.receivedAt,
    endpoint: r.endpoint as IngestEndpoint,
    projectId: r.projectId,
    publicKey: r.publicKey,
    eventId: r.eventId,
    itemTypes: r.itemTypes ? r.itemTypes.split(' ') : [],
    mainType: r.mainType,
    platform: r.platform,
    sdkName: r.sdkName,
    sdkVersion: r.sdkVersion,
    traceId: r.traceId,
    release: r.release,
    environment: r.environment,
    title: r.title,
    level: r.level,
    eventTs: r.eventTs,
    size: r.size,
    requestMeta: r.requestMeta,
  };
}

function toParams(e: NewEnvelope) {
  const s = e.summary;
  return {
    receivedAt: e.receivedAt,
    endpoint: e.endpoint,
    projectId: e.projectId,
    publicKey: e.publicKey,
    eventId: s.eventId,
    itemTypes: s.itemTypes.join(' '),
    mainType: s.mainType,
    platform: s.platform,
    sdkName: s.sdkName,
    sdkVersion: s.sdkVersion,
    traceId: s.traceId,
    release: s.release,
    environment: s.environment,
    title: s.title,
    level: s.level,
    eventTs: e.eventTs,
    size: e.body.byteLength,
    requestMeta: e.requestMeta,
    body: e.body,
  };
}

function itemParams(envelopeId: number, i: NewEnvelope['items'][number]) {
  return { envelopeId, ...i };
}
