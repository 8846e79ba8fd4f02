/**
 * Nominal query-planner statistics. Without `sqlite_stat1` SQLite assumes every index is
 * selective, so a filtered page such as `type=error` within one hour walked the `main_type` index
 * (half the table) instead of the `received_at` range: 100 ms instead of 4 ms at 1M rows. A real
 * ANALYZE costs ~0.3 s per million rows and would have to be repeated as the table grows, so a
 * database without statistics gets these instead: the shape every capture database has (a few
 * types, platforms, SDKs and projects; ids and receive times nearly unique), which is all the
 * planner needs to choose between indexes. A later real ANALYZE replaces them.
 */
import type { Database } from 'bun:sqlite';

/** `sqlite_stat1.stat` per index: rows, then rows per distinct value of each indexed column prefix. */
const NOMINAL: Record<string, { table: string; stat: string }> = {
  envelopes_main_type_idx: { table: 'envelopes', stat: '1000000 250000' },
  envelopes_platform_idx: { table: 'envelopes', stat: '1000000 200000' },
  envelopes_project_idx: { table: 'envelopes', stat: '1000000 250000' },
  envelopes_sdk_idx: { table: 'envelopes', stat: '1000000 200000' },
  envelopes_trace_idx: { table: 'envelopes', stat: '1000000 3' },
  envelopes_event_id_idx: { table: 'envelopes', stat: '1000000 1' },
  envelopes_received_idx: { table: 'envelopes', stat: '1000000 1' },
  envelope_items_type_idx: { table: 'envelope_items', stat: '2000000 250000' },
  replay_outcomes_run_idx: { table: 'replay_outcomes', stat: '1000000 10000' },
  outbox_due_idx: { table: 'outbox', stat: '100000 10000 1' },
};

/** Writes the nominal statistics when the database has none for `envelopes`; idempotent. */
export function seedPlannerStats(db: Database): void {
  // Creates sqlite_stat1 when missing without analysing any table.
  db.exec('ANALYZE sqlite_schema');
  const known = db.query<{ n: number }, []>("select count(*) as n from sqlite_stat1 where tbl = 'envelopes'").get();
  if (known && known.n > 0) return;
  const indexes = new Set(db.query<{ name: string }, []>("select name from sqlite_schema where type = 'index'").all().map((r) => r.name));
  const insert = db.prepare('insert into sqlite_stat1 (tbl, idx, stat) values (?, ?, ?)');
  db.transaction(() => {
    for (const [idx, { table, stat }] of Object.entries(NOMINAL)) if (indexes.has(idx)) insert.run(table, idx, stat);
  })();
  // Makes the planner read the new rows.
  db.exec('ANALYZE sqlite_schema');
}
