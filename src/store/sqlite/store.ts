/**
 * SQLite Store on bun:sqlite through drizzle-orm: WAL, synchronous=FULL, and a
 * group-commit writer (see group-commit.ts) so concurrent requests share one
 * transaction without waiting on a timer.
 */
import { Database } from 'bun:sqlite';
import { and, asc, desc, eq, inArray, max, sql, type SQL } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/bun-sqlite';
import { StoreError } from '../../shared/errors.ts';
import { createGroupCommit } from '../group-commit.ts';
import { applyMigrations } from '../migrate.ts';
import type { EnvelopeFilter, EnvelopeRecord, EnvelopeRow, IngestEndpoint, NewEnvelope, Store } from '../types.ts';
import { SQLITE_MIGRATIONS } from './migrations.gen.ts';
import { envelopes } from './schema.ts';

export interface SqliteOptions {
  /** File path, or ':memory:'. */
  path: string;
  /** `full` (default) syncs the WAL on every commit; `normal` survives process crashes only. */
  synchronous?: 'full' | 'normal';
}

export async function openSqliteStore(opts: SqliteOptions): Promise<Store> {
  let client: Database;
  try {
    client = new Database(opts.path, { create: true, strict: true });
    // page_size only takes effect before the first table exists; 16 KiB pages cut write syscalls per row.
    client.run('PRAGMA page_size = 16384');
    client.run('PRAGMA journal_mode = WAL');
    client.run(`PRAGMA synchronous = ${opts.synchronous === 'normal' ? 'NORMAL' : 'FULL'}`);
    client.run('PRAGMA busy_timeout = 5000');
    client.run('PRAGMA cache_size = -65536');
  } catch (error) {
    throw new StoreError(`cannot open SQLite database ${opts.path}: ${(error as Error).message}; check the path and its permissions, or pass --db`, { cause: error });
  }
  const db = drizzle({ client });
  await applyMigrations(db, SQLITE_MIGRATIONS);

  const insert = db
    .insert(envelopes)
    .values({
      receivedAt: sql.placeholder('receivedAt'),
      endpoint: sql.placeholder('endpoint'),
      projectId: sql.placeholder('projectId'),
      publicKey: sql.placeholder('publicKey'),
      eventId: sql.placeholder('eventId'),
      itemTypes: sql.placeholder('itemTypes'),
      mainType: sql.placeholder('mainType'),
      platform: sql.placeholder('platform'),
      sdkName: sql.placeholder('sdkName'),
      sdkVersion: sql.placeholder('sdkVersion'),
      traceId: sql.placeholder('traceId'),
      release: sql.placeholder('release'),
      environment: sql.placeholder('environment'),
      title: sql.placeholder('title'),
      level: sql.placeholder('level'),
      eventTs: sql.placeholder('eventTs'),
      size: sql.placeholder('size'),
      requestMeta: sql.placeholder('requestMeta'),
      body: sql.placeholder('body'),
    })
    .returning({ id: envelopes.id })
    .prepare();

  const writer = createGroupCommit<NewEnvelope, number>((batch) =>
    client.transaction(() => batch.map((e) => insert.get(toParams(e))!.id))(),
  );

  return {
    dialect: 'sqlite',
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
    async checkHealth() {
      try {
        client.query('select count(*) from envelopes where id = 0').get();
      } catch (error) {
        throw new StoreError(`database unusable: ${(error as Error).message}`, { cause: error });
      }
    },
    async close() {
      await writer.drain();
      client.close();
    },
  };
}

// --- internal ---

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

type DbRow = Omit<typeof envelopes.$inferSelect, 'body'>;

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

function where(f: EnvelopeFilter): SQL | undefined {
  const conds: SQL[] = [];
  if (f.type) conds.push(eq(envelopes.mainType, f.type));
  if (f.platform) conds.push(eq(envelopes.platform, f.platform));
  if (f.projectId !== undefined) conds.push(eq(envelopes.projectId, f.projectId));
  if (f.ids) conds.push(inArray(envelopes.id, f.ids));
  return conds.length ? and(...conds) : undefined;
}
