/**
 * A store's fingerprint: a short hash of this host's name and the database file's real path.
 * Undertaker sends it as `x-undertaker-store`, so a replay can tell its own capture server
 * (same store) from another Undertaker. `:memory:` stores get a random one per process.
 */
import { realpathSync } from 'node:fs';
import { hostname } from 'node:os';
import { resolve } from 'node:path';

export function storeFingerprint(path: string): string {
  if (path === '' || path === ':memory:') return crypto.randomUUID().replaceAll('-', '').slice(0, 16);
  let real: string;
  try {
    real = realpathSync(path);
  } catch {
    real = resolve(path);
  }
  return new Bun.CryptoHasher('sha256').update(`${hostname()}\0${real}`).digest('hex').slice(0, 16);
}
