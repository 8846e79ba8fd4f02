/**
 * Which capture servers write into a database: `serve` records its pid and listen address in
 * `<db>-serve.json` next to the database (like SQLite's -wal file) and removes it on exit. A replay
 * reading that database learns its own capture address from it without asking the network.
 */
import { readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';

export interface ServeAddress {
  host: string;
  port: number;
}

interface Presence extends ServeAddress {
  pid: number;
}

/** Next to the database file itself: a symlink or a relative path to it finds the same note. */
function presencePath(dbPath: string): string | null {
  if (dbPath === '' || dbPath === ':memory:') return null;
  let real = dbPath;
  try {
    real = realpathSync(dbPath);
  } catch {}
  return `${real}-serve.json`;
}

/** Records this process as the capture server of `dbPath`; returns the function that removes it. */
export function announceServe(dbPath: string, address: ServeAddress): () => void {
  const path = presencePath(dbPath);
  if (!path) return () => {};
  const mine: Presence = { pid: process.pid, host: address.host, port: address.port };
  const others = readPresences(path).filter((p) => p.pid !== process.pid && alive(p.pid));
  try {
    writeFileSync(path, `${JSON.stringify([...others, mine])}\n`);
  } catch {
    // A read-only directory only loses this hint; the ingest-response check still guards replays.
    return () => {};
  }
  return () => {
    const rest = readPresences(path).filter((p) => p.pid !== process.pid && alive(p.pid));
    try {
      if (rest.length) writeFileSync(path, `${JSON.stringify(rest)}\n`);
      else rmSync(path, { force: true });
    } catch {}
  };
}

/** Listen addresses of the live `serve` processes writing into `dbPath`. */
export function servesOf(dbPath: string): ServeAddress[] {
  const path = presencePath(dbPath);
  if (!path) return [];
  return readPresences(path)
    .filter((p) => alive(p.pid))
    .map(({ host, port }) => ({ host, port }));
}

// --- internal ---

function readPresences(path: string): Presence[] {
  try {
    const value = JSON.parse(readFileSync(path, 'utf8'));
    return Array.isArray(value) ? value.filter((p) => typeof p?.pid === 'number' && typeof p?.host === 'string' && typeof p?.port === 'number') : [];
  } catch {
    return [];
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
