/**
 * The spool's bounds: rows older than the maximum age go, then the oldest rows until the row
 * count and byte total fit. Every shed row is logged with what it was, and counted.
 */
import type { SpoolBounds } from '../config/forward-config.ts';
import type { Logger } from '../shared/logger.ts';
import type { OutboxStore } from '../store/types.ts';

/** Sheds what is over the bounds; resolves with the number of rows shed. */
export async function shedSpool(store: Pick<OutboxStore, 'shedOutbox'>, bounds: SpoolBounds, now: number, logger: Logger): Promise<number> {
  const createdBefore = now - bounds.maxAgeMs;
  const shed = await store.shedOutbox({ maxRows: bounds.maxRows, maxBytes: bounds.maxBytes, createdBefore });
  for (const row of shed) {
    const why = row.createdAt < createdBefore ? `older than max_age ${Math.round(bounds.maxAgeMs / 1000)} s` : `spool over max_rows ${bounds.maxRows} or max_bytes ${bounds.maxBytes}`;
    const kept = row.envelopeId === null ? 'not recorded, lost' : `still recorded as envelope ${row.envelopeId}`;
    logger.warn(`shed outbox row ${row.id} (project ${row.projectId}, captured ${new Date(row.createdAt).toISOString()}, ${row.size} bytes, ${row.attempts} attempt(s)${row.lastError ? `, last error: ${row.lastError}` : ''}): ${why}; ${kept}`);
  }
  return shed.length;
}
