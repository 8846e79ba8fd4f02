/** Storage: the Store interface and the one dispatch point that opens a dialect. */
import type { BodyCompression } from './body-codec.ts';
import { openSqliteStore } from './sqlite/store.ts';
import type { Store } from './types.ts';

export { type BodyCompression, DEFAULT_BODY_COMPRESSION } from './body-codec.ts';
export type { CountEntry, EnvelopeCounts, EnvelopeFilter, EnvelopePlanRow, EnvelopeRecord, EnvelopeRow, IngestEndpoint, NewEnvelope, Store } from './types.ts';

export interface DatabaseConfig {
  dialect: 'sqlite';
  path: string;
  synchronous?: 'full' | 'normal';
  /** Body compression at rest (default zstd when it shrinks the body); reads always give the original bytes. */
  compression?: BodyCompression;
}

/** Opens the configured store and applies its migrations. */
export function openStore(config: DatabaseConfig): Promise<Store> {
  switch (config.dialect) {
    case 'sqlite':
      return openSqliteStore({ path: config.path, synchronous: config.synchronous, compression: config.compression });
  }
}
export type { NewReplayOutcome, NewReplayRun, ReplayCounts, ReplayHistoryStore, ReplayOutcomeKind, ReplayOutcomeRow, ReplayRunRow, ReplayRunStatus, ReplayRunUpdate, ReplayTrigger } from './types.ts';
