/**
 * The forwarding outbox on SQLite. Rows are added inside the capture's group-commit transaction
 * (`addWithin`), so an acknowledged capture never lacks its forward; the forwarder reads, deletes,
 * defers and parks them with small synchronous writes outside it.
 */
import type { Database } from 'bun:sqlite';
import { and, asc, eq, ne, sql } from 'drizzle-orm';
import type { BunSQLiteDatabase } from 'drizzle-orm/bun-sqlite';
import type { NewEnvelope, OutboxRow, OutboxStore } from '../types.ts';
import { envelopes, outbox, outboxLease } from './schema.ts';

/** `next_attempt_at` of a parked row: later than any real time, so it is never due. */
export const PARKED_AT = Number.MAX_SAFE_INTEGER;

/** Writes the outbox row of one capture; called inside the capture's transaction. */
export type OutboxRowWriter = (envelopeId: number | null, e: NewEnvelope) => void;

const SHED_PAGE = 500;

export function createOutboxStore(db: BunSQLiteDatabase, client: Database): OutboxStore & { addWithin: OutboxRowWriter } {
  const insert = db.insert(outbox).values({
    envelopeId: sql.placeholder('envelopeId'),
    createdAt: sql.placeholder('createdAt'),
    projectId: sql.placeholder('projectId'),
    upstream: sql.placeholder('upstream'),
    categories: sql.placeholder('categories'),
    body: sql.placeholder('body'),
    nextAttemptAt: sql.placeholder('createdAt'),
    origin: sql.placeholder('origin'),
  }).prepare();
  const rows = () => db.select(ROW_COLUMNS).from(outbox).leftJoin(envelopes, eq(envelopes.id, outbox.envelopeId));
  const stats = client.query<{ rows: number; bytes: number | null; parked: number | null; oldest: number | null }, [number]>(
    `select count(*) as rows, sum(coalesce(length(o.body), e.size, 0)) as bytes,
            sum(o.next_attempt_at = ?) as parked, min(o.created_at) as oldest
       from outbox o left join envelopes e on e.id = o.envelope_id`,
  );
  const outboxStats = async () => {
    const r = stats.get(PARKED_AT)!;
    return { rows: r.rows, bytes: r.bytes ?? 0, parked: r.parked ?? 0, oldestCreatedAt: r.oldest };
  };

  return {
    addWithin(envelopeId, e) {
      const f = e.forward!;
      insert.run({
        envelopeId,
        createdAt: e.receivedAt,
        projectId: e.projectId,
        upstream: f.upstream,
        categories: f.categories.join(' '),
        body: envelopeId === null ? (f.body ?? null) : null,
        origin: f.origin ?? null,
      });
    },
    async outboxSources() {
      const found = db.selectDistinct({ projectId: outbox.projectId }).from(outbox).where(ne(outbox.nextAttemptAt, PARKED_AT)).orderBy(asc(outbox.projectId)).all();
      return found.map((r) => r.projectId);
    },
    async listOutbox(projectId, limit) {
      return rows().where(and(eq(outbox.projectId, projectId), ne(outbox.nextAttemptAt, PARKED_AT))).orderBy(asc(outbox.id)).limit(limit).all().map(toRow);
    },
    async outboxBody(id) {
      const row = db.select({ body: outbox.body }).from(outbox).where(eq(outbox.id, id)).get();
      return row?.body ? new Uint8Array(row.body) : null;
    },
    async deleteOutbox(id) {
      db.delete(outbox).where(eq(outbox.id, id)).run();
    },
    async deferOutbox(id, update) {
      db.update(outbox).set(update).where(eq(outbox.id, id)).run();
    },
    async parkOutbox(id, lastError) {
      db.update(outbox).set({ lastError, nextAttemptAt: PARKED_AT }).where(eq(outbox.id, id)).run();
    },
    outboxStats,
    async outboxLease() {
      return db.select({ owner: outboxLease.owner, expiresAt: outboxLease.expiresAt }).from(outboxLease).where(eq(outboxLease.id, 1)).get() ?? null;
    },
    async claimOutbox({ owner, now, expiresAt, replacing }) {
      // One statement: taken when free, expired, already ours, or held by `replacing` (a dead holder).
      const changes = client
        .query(
          `insert into outbox_lease (id, owner, expires_at) values (1, ?1, ?2)
             on conflict (id) do update set owner = excluded.owner, expires_at = excluded.expires_at
             where outbox_lease.owner = ?1 or outbox_lease.expires_at <= ?3 or outbox_lease.owner = ?4`,
        )
        .run(owner, expiresAt, now, replacing ?? null).changes;
      return changes > 0;
    },
    async releaseOutbox(owner) {
      db.delete(outboxLease).where(eq(outboxLease.owner, owner)).run();
    },
    async shedOutbox(bounds) {
      // Oldest first (ids grow with capture time): a row goes while it is too old or the totals are over a bound.
      let { rows: count, bytes } = await outboxStats();
      const shed: OutboxRow[] = [];
      const over = (row: OutboxRow) => row.createdAt < bounds.createdBefore || count > bounds.maxRows || bytes > bounds.maxBytes;
      for (let afterId = 0, more = true; more; ) {
        const page = rows().where(sql`${outbox.id} > ${afterId}`).orderBy(asc(outbox.id)).limit(SHED_PAGE).all().map(toRow);
        more = page.length === SHED_PAGE;
        for (const row of page) {
          if (!over(row)) {
            more = false;
            break;
          }
          shed.push(row);
          count--;
          bytes -= row.size;
        }
        afterId = page.at(-1)?.id ?? afterId;
      }
      if (shed.length) {
        client.transaction(() => {
          for (const row of shed) db.delete(outbox).where(eq(outbox.id, row.id)).run();
        })();
      }
      return shed;
    },
  };
}

// --- internal ---

const ROW_COLUMNS = {
  id: outbox.id,
  envelopeId: outbox.envelopeId,
  createdAt: outbox.createdAt,
  projectId: outbox.projectId,
  upstream: outbox.upstream,
  categories: outbox.categories,
  attempts: outbox.attempts,
  nextAttemptAt: outbox.nextAttemptAt,
  lastError: outbox.lastError,
  origin: outbox.origin,
  size: sql<number>`coalesce(length(${outbox.body}), ${envelopes.size}, 0)`.mapWith(Number),
};

type DbRow = { [K in keyof typeof ROW_COLUMNS]: K extends 'size' ? number : (typeof outbox.$inferSelect)[Exclude<K, 'size'>] };

function toRow(r: DbRow): OutboxRow {
  return { ...r, categories: r.categories ? r.categories.split(' ') : [], parked: r.nextAttemptAt === PARKED_AT };
}
