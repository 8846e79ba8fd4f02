/**
 * Envelope rows and their item index on SQLite. Inserts go through the group-commit
 * writer: one transaction per batch, each caller resolved only after the commit.
 */
import type { Changes, Database } from 'bun:sqlite';
import { and, asc, desc, eq, inArray, max, sql } from 'drizzle-orm';
import type { BunSQLiteDatabase } from 'drizzle-orm/bun-sqlite';
import { type BodyCompression, DEFAULT_BODY_COMPRESSION, decodeBody, encodeBody } from '../body-codec.ts';
import { createGroupCommit, type GroupCommit } from '../group-commit.ts';
import type { EnvelopeFilter, EnvelopeRecord, EnvelopeRow, EnvelopeStore, IngestEndpoint, NewEnvelope } from '../types.ts';
import { countEnvelopes, envelopeTitles, envelopeWhere as where, titleSearchPage } from './envelope-queries.ts';
import { toStoreError } from './errors.ts';
import type { OutboxRowWriter } from './outbox.ts';
import { envelopeItems, envelopes } from './schema.ts';

export function createEnvelopeStore(
  db: BunSQLiteDatabase,
  client: Database,
  addOutboxRow?: OutboxRowWriter,
  opts: { compression?: BodyCompression } = {},
): EnvelopeStore & { writer: GroupCommit<NewEnvelope, number> } {
  const compression = opts.compression ?? DEFAULT_BODY_COMPRESSION;
  // No RETURNING: SQLite runs it as a trigger, which makes every insert keep a statement journal
  // (a temp file, ~10 page writes per row inside a batch); lastInsertRowid gives the id for free.
  const insertEnvelope = db.insert(envelopes).values(placeholders(ENVELOPE_PARAMS)).prepare();
  const insertItem = db.insert(envelopeItems).values(placeholders(ITEM_PARAMS)).prepare();
  // The title search index (migration 0003): a contentless FTS5 table keyed by envelope id.
  const insertTitle = client.prepare('insert into envelope_titles (rowid, title) values (?, ?)');

  const writer = createGroupCommit<NewEnvelope, number>((batch) =>
    client.transaction(() =>
      batch.map((e) => {
        // Forward mode: the capture lives in its outbox row only (store/sqlite/outbox.ts).
        if (e.forward?.body) return (addOutboxRow!(null, e), 0);
        const id = Number((insertEnvelope.run(toParams(e, compression)) as unknown as Changes).lastInsertRowid);
        for (const item of e.items) insertItem.run(itemParams(id, item));
        if (e.summary.title) insertTitle.run(id, e.summary.title);
        if (e.forward) addOutboxRow!(id, e);
        return id;
      }),
    )(),
    toStoreError,
  );

  return {
    writer,
    insertEnvelope: (e) => writer.submit(e),
    async listEnvelopes(filter) {
      const search = titleSearchPage(filter);
      if (search) {
        const found = db.select(ROW_COLUMNS).from(envelopeTitles).innerJoin(envelopes, search.join).where(search.where).orderBy(search.order).limit(filter.limit ?? 50).all();
        return found.map(toRow);
      }
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
      return row ? toRecord(row) : null;
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
        for (const row of page) yield toRecord(row);
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
    async listPlanRows({ traceIds, ...filter }) {
      if (!traceIds) return db.select(PLAN_COLUMNS).from(envelopes).where(where(filter)).orderBy(asc(envelopes.id)).limit(filter.limit ?? -1).all();
      if (!traceIds.length) return [];
      // INDEXED BY: without table statistics SQLite would walk a type or platform index of the
      // other filters (most of the table) rather than look the traces up.
      const cond = and(inArray(envelopes.traceId, traceIds), where(filter));
      const columns = sql.join(Object.values(PLAN_COLUMNS), sql`, `);
      const rows = db.values<PlanTuple>(sql`select ${columns} from ${envelopes} indexed by envelopes_trace_idx where ${cond} order by ${envelopes.id}`);
      return rows.map(([id, receivedAt, eventTs, traceId, projectId, publicKey, platform, sdkName]) => ({ id, receivedAt, eventTs, traceId, projectId, publicKey, platform, sdkName }));
    },
    async listItems(envelopeId) {
      const rows = db.select().from(envelopeItems).where(eq(envelopeItems.envelopeId, envelopeId)).orderBy(asc(envelopeItems.position)).all();
      return rows.map(({ envelopeId: _e, ...r }) => r);
    },
    async deleteEnvelopes(ids) {
      if (!ids.length) return 0;
      // Item index rows go with their envelope through ON DELETE CASCADE (foreign_keys is on);
      // title search rows are removed in the same transaction.
      return client.transaction(() => {
        const deleted = db.delete(envelopes).where(inArray(envelopes.id, ids)).returning({ id: envelopes.id }).all();
        db.run(sql`delete from envelope_titles where rowid in ${deleted.length ? sql`(${sql.join(deleted.map((d) => sql`${d.id}`), sql`, `)})` : sql`(null)`}`);
        return deleted.length;
      })();
    },
    async countEnvelopes(filter, opts) {
      return countEnvelopes(db, filter, opts);
    },
  };
}

// --- internal ---

const ENVELOPE_PARAMS = [
  'receivedAt', 'endpoint', 'projectId', 'publicKey', 'eventId', 'itemTypes', 'mainType', 'platform', 'sdkName', 'sdkVersion',
  'traceId', 'release', 'environment', 'title', 'level', 'eventTs', 'size', 'requestMeta', 'body', 'bodyEncoding',
] as const;
const ITEM_PARAMS = ['envelopeId', 'position', 'type', 'length', 'contentType', 'filename', 'attachmentType', 'ids', 'known'] as const;

function placeholders<K extends string>(keys: readonly K[]): Record<K, ReturnType<typeof sql.placeholder>> {
  return Object.fromEntries(keys.map((k) => [k, sql.placeholder(k)])) as unknown as Record<K, ReturnType<typeof sql.placeholder>>;
}

/** Replay's planning columns, in the order `listPlanRows` reads them as tuples. */
const PLAN_COLUMNS = {
  id: envelopes.id,
  receivedAt: envelopes.receivedAt,
  eventTs: envelopes.eventTs,
  traceId: envelopes.traceId,
  projectId: envelopes.projectId,
  publicKey: envelopes.publicKey,
  platform: envelopes.platform,
  sdkName: envelopes.sdkName,
};
type PlanTuple = [number, number, number | null, string | null, number, string | null, string | null, string | null];

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

/** A full row with its body decoded to the exact bytes captured. */
function toRecord(row: typeof envelopes.$inferSelect): EnvelopeRecord {
  const body = decodeBody(row.body, row.bodyEncoding, row.size);
  // An identity body is a view of the driver's buffer: copied so the record owns plain bytes.
  return { ...toRow(row), body: row.bodyEncoding === 'identity' ? new Uint8Array(body) : body };
}

function toParams(e: NewEnvelope, compression: BodyCompression) {
  const s = e.summary;
  // `size` stays the original length: filters, the outbox and the API report what was captured.
  const stored = encodeBody(e.body, compression);
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
    body: stored.bytes,
    bodyEncoding: stored.encoding,
  };
}

function itemParams(envelopeId: number, i: NewEnvelope['items'][number]) {
  return { envelopeId, ...i };
}
