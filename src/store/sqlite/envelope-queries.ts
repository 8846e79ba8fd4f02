/**
 * Envelope filters and aggregate counts on SQLite, shared by every envelope query
 * (list, iterate, replay selection, stats) so all of them read a filter the same way.
 */
import { and, count, desc, eq, gt, gte, inArray, lt, or, sql, type SQL, type SQLWrapper } from 'drizzle-orm';
import type { BunSQLiteDatabase } from 'drizzle-orm/bun-sqlite';
import type { CountEntry, EnvelopeCounts, EnvelopeFilter } from '../types.ts';
import { envelopes } from './schema.ts';

/** The WHERE clause for a filter; undefined when it matches everything. */
export function envelopeWhere(f: EnvelopeFilter): SQL | undefined {
  const conds: (SQL | undefined)[] = [];
  if (f.type) conds.push(eq(envelopes.mainType, f.type));
  if (f.platform) conds.push(eq(envelopes.platform, f.platform));
  if (f.projectId !== undefined) conds.push(eq(envelopes.projectId, f.projectId));
  if (f.ids) conds.push(inArray(envelopes.id, f.ids));
  if (f.sdk) conds.push(eq(envelopes.sdkName, f.sdk));
  if (f.release) conds.push(eq(envelopes.release, f.release));
  if (f.environment) conds.push(eq(envelopes.environment, f.environment));
  if (f.since !== undefined) conds.push(gte(envelopes.receivedAt, f.since));
  if (f.until !== undefined) conds.push(lt(envelopes.receivedAt, f.until));
  if (f.beforeId !== undefined) conds.push(lt(envelopes.id, f.beforeId));
  if (f.afterId !== undefined) conds.push(gt(envelopes.id, f.afterId));
  if (f.text) conds.push(textMatch(f.text));
  const present = conds.filter((c): c is SQL => c !== undefined);
  return present.length ? and(...present) : undefined;
}

/** Counts in total and per platform, type, SDK and UTC day, in one read transaction. */
export function countEnvelopes(db: BunSQLiteDatabase, filter: EnvelopeFilter, opts: { byDay?: boolean } = {}): EnvelopeCounts {
  const where = envelopeWhere(filter);
  const day = sql<string>`strftime('%Y-%m-%d', ${envelopes.receivedAt} / 1000, 'unixepoch')`;
  const grouped = (column: SQLWrapper, orderByKey = false): CountEntry[] => {
    const key = sql<string | null>`${column}`;
    const n = count();
    return db
      .select({ key, count: n })
      .from(envelopes)
      .where(where)
      .groupBy(key)
      .orderBy(...(orderByKey ? [key] : [desc(n), key]))
      .all();
  };
  return db.transaction(() => ({
    total: db.select({ n: count() }).from(envelopes).where(where).get()?.n ?? 0,
    byPlatform: grouped(envelopes.platform),
    byType: grouped(envelopes.mainType),
    bySdk: grouped(envelopes.sdkName),
    byDay: opts.byDay === false ? [] : grouped(day, true),
  }));
}

// --- internal ---

/** LIKE wildcards in user text are matched literally. */
function textMatch(text: string): SQL | undefined {
  const escaped = text.replace(/[\\%_]/g, (c) => `\\${c}`);
  const eventId = text.replaceAll('-', '').toLowerCase();
  // SQLite's LIKE is case-insensitive for ASCII, which is what a search box wants.
  return or(sql`${envelopes.title} like ${`%${escaped}%`} escape '\\'`, /^[0-9a-f]{32}$/.test(eventId) ? eq(envelopes.eventId, eventId) : undefined);
}
