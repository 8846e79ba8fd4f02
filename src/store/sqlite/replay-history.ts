/**
 * Replay history on SQLite: one row per run (counters updated as the run goes) and one row per
 * delivery outcome. Writes are small and synchronous (bun:sqlite), outside the ingest group commit.
 */
import type { Database } from 'bun:sqlite';
import { and, asc, desc, eq, gt, lt, type SQL, sql } from 'drizzle-orm';
import type { BunSQLiteDatabase } from 'drizzle-orm/bun-sqlite';
import type { ReplayHistoryStore, ReplayOutcomeKind, ReplayOutcomeRow, ReplayRunRow, ReplayRunStatus, ReplayTrigger } from '../types.ts';
import { replayOutcomes, replayRuns } from './schema.ts';

const DEFAULT_RUN_LIMIT = 50;
const DEFAULT_OUTCOME_LIMIT = 1000;

const OUTCOME_PARAMS = ['runId', 'envelopeId', 'destination', 'at', 'outcome', 'httpStatus', 'reason', 'attempts', 'oldEventId', 'newEventId', 'newTraceId'] as const;

export function createReplayHistoryStore(db: BunSQLiteDatabase, client: Database): ReplayHistoryStore {
  // Prepared once: building the insert per outcome cost more than the replay's own rewrite.
  const insertOutcome = db
    .insert(replayOutcomes)
    .values(Object.fromEntries(OUTCOME_PARAMS.map((k) => [k, sql.placeholder(k)])) as unknown as typeof replayOutcomes.$inferInsert)
    .prepare();
  return {
    async createReplayRun(run) {
      const row = db
        .insert(replayRuns)
        .values({ startedAt: run.startedAt, trigger: run.trigger, options: run.options, status: 'running', byStatus: {} })
        .returning({ id: replayRuns.id })
        .get();
      return row.id;
    },
    async updateReplayRun(id, update) {
      if (Object.keys(update).length === 0) return;
      db.update(replayRuns).set(update).where(eq(replayRuns.id, id)).run();
    },
    async addReplayOutcomes(runId, outcomes) {
      if (!outcomes.length) return;
      client.transaction(() => {
        for (const o of outcomes) insertOutcome.run({ ...o, runId });
      })();
    },
    async listReplayRuns(query = {}) {
      const conds: SQL[] = [];
      if (query.beforeId !== undefined) conds.push(lt(replayRuns.id, query.beforeId));
      if (query.status) conds.push(eq(replayRuns.status, query.status));
      const rows = db
        .select()
        .from(replayRuns)
        .where(conds.length ? and(...conds) : undefined)
        .orderBy(desc(replayRuns.id))
        .limit(query.limit ?? DEFAULT_RUN_LIMIT)
        .all();
      return rows.map(toRunRow);
    },
    async getReplayRun(id) {
      const row = db.select().from(replayRuns).where(eq(replayRuns.id, id)).get();
      return row ? toRunRow(row) : null;
    },
    async listReplayOutcomes(runId, query = {}) {
      const conds: SQL[] = [eq(replayOutcomes.runId, runId)];
      if (query.afterId !== undefined) conds.push(gt(replayOutcomes.id, query.afterId));
      if (query.outcome) conds.push(eq(replayOutcomes.outcome, query.outcome));
      const rows = db
        .select()
        .from(replayOutcomes)
        .where(and(...conds))
        .orderBy(asc(replayOutcomes.id))
        .limit(query.limit ?? DEFAULT_OUTCOME_LIMIT)
        .all();
      return rows.map((r) => ({ ...r, outcome: r.outcome as ReplayOutcomeKind }) satisfies ReplayOutcomeRow);
    },
  };
}

// --- internal ---

function toRunRow(r: typeof replayRuns.$inferSelect): ReplayRunRow {
  return { ...r, status: r.status as ReplayRunStatus, trigger: r.trigger as ReplayTrigger };
}
