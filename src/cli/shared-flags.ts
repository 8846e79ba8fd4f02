/** Flags shared by several commands. */
import type { FlagSpec } from './command.ts';

export const DB_FLAG: FlagSpec = { type: 'string', value: 'PATH', description: 'SQLite database file', env: 'UNDERTAKER_DB', default: './undertaker.db' };

export const FILTER_FLAGS: Record<string, FlagSpec> = {
  type: { type: 'string', short: 't', value: 'TYPE', description: 'Only this main type: error, transaction, session, sessions, replay, check_in, log, span, …' },
  platform: { type: 'string', value: 'NAME', description: 'Only events of this platform (python, node, javascript, go, java, rust, …)' },
  project: { type: 'string', value: 'ID', description: 'Only envelopes captured for this project id' },
  limit: { type: 'string', short: 'n', value: 'N', description: 'At most N envelopes (events list: the newest N, default 50; replay: the oldest N in capture order, default all)' },
};
