// The planner statistics a new database gets: with them, a type filter inside a time range walks
// the receive-time index (a small range) instead of the type index (most of the table).
import { Database } from 'bun:sqlite';
import { describe, expect, it } from 'bun:test';
import { join } from 'node:path';
import { openStore } from '../../src/store/index.ts';
import { tempDir } from '../helpers/spawn.ts';

const plan = (db: Database, sql: string) => db.query<{ detail: string }, []>(`explain query plan ${sql}`).all().map((r) => r.detail).join(' | ');

describe('planner statistics', () => {
  it('are written once to a new database and keep a real ANALYZE', async () => {
    const path = join(tempDir('ut-stats-'), 'a.db');
    await (await openStore({ dialect: 'sqlite', path })).close();
    const db = new Database(path);
    const stats = db.query<{ idx: string; stat: string }, []>("select idx, stat from sqlite_stat1 where tbl = 'envelopes' order by idx").all();
    expect(stats.map((s) => s.idx)).toEqual([
      'envelopes_event_id_idx', 'envelopes_main_type_idx', 'envelopes_platform_idx', 'envelopes_project_idx',
      'envelopes_received_idx', 'envelopes_sdk_idx', 'envelopes_trace_idx',
    ]);
    const range = "select id from envelopes where main_type = 'error' and received_at >= 1 and received_at < 2 order by id desc limit 50";
    expect(plan(db, range)).toContain('envelopes_received_idx');
    expect(plan(db, "select id from envelopes where trace_id = 'x'")).toContain('envelopes_trace_idx');
    // A real ANALYZE (here of an empty table: no rows) is left alone by the next open.
    db.exec("update sqlite_stat1 set stat = '7 7' where idx = 'envelopes_main_type_idx'");
    db.close();
    await (await openStore({ dialect: 'sqlite', path })).close();
    const again = new Database(path);
    expect(again.query<{ stat: string }, []>("select stat from sqlite_stat1 where idx = 'envelopes_main_type_idx'").get()!.stat).toBe('7 7');
    again.close();
  });
});
