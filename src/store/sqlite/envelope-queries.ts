/**
 * Envelope filters and aggregate counts on SQLite, shared by every envelope query
 * (list, iterate, replay selection, stats) so all of them read a filter the same way.
 */
import { and, asc, count, desc, eq, gt, gte, inArray, lt, or, sql, type SQL, type SQLWrapper } from 'drizzle-orm';
import { integer, sqliteTable } from 'drizzle-orm/sqlite-core';
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

/**
 * Title text, matched as a literal, case-insensitive substring; or an event id. Three characters
 * or more go through the trigram index (envelope_titles, migration 0003), shorter text scans with
 * LIKE (wildcards escaped). Pages of a title search are read by `titleSearchPage` instead, which
 * walks the index newest first rather than collecting every match.
 */
function textMatch(raw: string): SQL | undefined {
  const text = searchable(raw);
  if (!text) return sql`0`;
  const eventId = text.replaceAll('-', '').toLowerCase();
  const byId = /^[0-9a-f]{32}$/.test(eventId) ? eq(envelopes.eventId, eventId) : undefined;
  const phrase = titlePhrase(text);
  if (phrase) return or(sql`${envelopes.id} in (select rowid from envelope_titles where envelope_titles match ${phrase})`, byId);
  // SQLite's LIKE folds ASCII case only: each spelling of the (one or two) characters is tried.
  const likes = caseVariants(text).map((v) => sql`${envelopes.title} like ${`%${v.replace(/[\\%_]/g, (c) => `\\${c}`)}%`} escape '\\'`);
  return or(...likes, byId);
}

/** Search text as the index can take it: NUL bytes (which end an FTS5 query string) removed. */
function searchable(text: string): string {
  return text.replaceAll('\0', '');
}

/** Every upper/lower-case spelling of a short text (at most 4 for two characters). */
function caseVariants(text: string): string[] {
  let variants = [''];
  for (const c of text) variants = variants.flatMap((v) => [...new Set([c, c.toLowerCase(), c.toUpperCase()])].map((x) => v + x));
  return [...new Set(variants)];
}

/** The FTS5 phrase for text the trigram index can answer (three characters or more), else null. */
function titlePhrase(text: string): string | null {
  // One phrase of the whole text: its trigrams in order, which is a substring match.
  return [...text].length >= 3 ? `"${text.replaceAll('"', '""')}"` : null;
}

/** The title search index, as far as queries join it (created by migration 0003, not by the schema). */
export const envelopeTitles = sqliteTable('envelope_titles', { rowid: integer('rowid').notNull() });

/**
 * A page of envelopes whose title contains `filter.text`, driven by the trigram index in id
 * order: each match is joined to its row and the other filters, and the walk stops after `limit`
 * rows, so a word in half the titles costs as little as a rare one. Null when the text is not a
 * title search (shorter than three characters, or an event id): then `envelopeWhere` handles it.
 */
export function titleSearchPage(filter: EnvelopeFilter): { join: SQL; where: SQL; order: SQL } | null {
  const text = filter.text === undefined ? undefined : searchable(filter.text);
  if (!text || /^[0-9a-f]{32}$/.test(text.replaceAll('-', '').toLowerCase())) return null;
  const phrase = titlePhrase(text);
  if (!phrase) return null;
  const conds: (SQL | undefined)[] = [sql`envelope_titles match ${phrase}`, envelopeWhere({ ...filter, text: undefined })];
  // The id bounds on the index side too, so the walk starts at the cursor.
  if (filter.beforeId !== undefined) conds.push(lt(envelopeTitles.rowid, filter.beforeId));
  if (filter.afterId !== undefined) conds.push(gt(envelopeTitles.rowid, filter.afterId));
  return {
    join: eq(envelopes.id, envelopeTitles.rowid),
    where: and(...conds.filter((c): c is SQL => c !== undefined))!,
    order: filter.order === 'asc' ? asc(envelopeTitles.rowid) : desc(envelopeTitles.rowid),
  };
}
