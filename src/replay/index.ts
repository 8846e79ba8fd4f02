/** Replay rewriting: id re-minting, timestamp shifting and per-item envelope rewrite (pure, no I/O). */
export { createIdMinter, cryptoRandom, DerivedIdMap, IdMap, normalizeId, seededRandom } from './ids.ts';
export type { IdMinter, RandomSource } from './ids.ts';
export {
  parseMillisTimestamp,
  parseTimestamp,
  shiftMillisTimestamp,
  shiftTimestamp,
  toEpochMicros,
} from './time.ts';
export {
  DEFAULT_LEAD_SECONDS,
  newestTimestamp,
  planDelta,
  planDeltas,
  rewriteEnvelope,
  traceIdOf,
} from './rewrite.ts';
export type { RewriteContext } from './rewrite.ts';
