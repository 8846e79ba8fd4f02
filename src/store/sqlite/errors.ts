/**
 * Maps SQLite failures on the write path to StoreError (HTTP 503) with a detail a
 * user can act on, so a full disk or read-only database never looks like success
 * and never looks like the client's fault.
 */
import { StoreError } from '../../shared/errors.ts';

const HINTS: Record<string, string> = {
  SQLITE_FULL: 'the disk holding the database is full; free space or move the database with --db',
  SQLITE_IOERR: 'the database file could not be written (I/O error); check the disk',
  SQLITE_READONLY: 'the database is read-only; check the file and directory permissions',
  SQLITE_CANTOPEN: 'the database file cannot be opened; check that its directory exists and is writable',
  SQLITE_BUSY: 'the database is locked by another process',
  SQLITE_CORRUPT: 'the database file is corrupt',
};

export function toStoreError(error: unknown): unknown {
  if (error instanceof StoreError) return error;
  const code = String((error as { code?: unknown })?.code ?? '');
  const key = Object.keys(HINTS).find((k) => code === k || code.startsWith(`${k}_`));
  if (!key) return error;
  return new StoreError(`not stored: ${HINTS[key]} (${code})`, { cause: error });
}
