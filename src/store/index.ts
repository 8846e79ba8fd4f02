/** Storage: the Store interface and the one dispatch point that opens a dialect. */
import { openSqliteStore } from './sqlite/store.ts';
import type { Store } from './types.ts';

export type { CountEntry, EnvelopeCounts, EnvelopeFilter, EnvelopeRecord, EnvelopeRow, IngestEndpoint, NewEnvelope, Store } from './types.ts';

export interface DatabaseConfig {
  dialect: 'sqlite';
  path: string;
  synchronous?: 'full' | 'normal';
}

/** Opens the configured store and applies its migrations. */
export function openStore(config: DatabaseConfig): Promise<Store> {
  switch (config.dialect) {
    case 'sqlite':
      return openSqliteStore({ path: config.path, synchronous: config.synchronous });
  }
}
export type { NewReplayOutcome, NewReplayRun, ReplayCounts, ReplayHistoryStore, ReplayOutcomeKind, ReplayOutcomeRow, ReplayRunRow, ReplayRunStatus, ReplayRunUpdate, ReplayTrigger } from './types.ts';
