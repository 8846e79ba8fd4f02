/** Opens the store named by --db with checks a user can act on before SQLite gets a say. */
import { existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { ConfigError } from '../shared/errors.ts';
import { openStore, type Store } from '../store/index.ts';
import { type ParsedArgs, str } from './command.ts';

/**
 * `mustExist` is for commands that only read what `serve` captured: they refuse a path
 * with no database instead of silently creating an empty one (a typo would look like "nothing captured").
 */
export async function openDbFromArgs(args: ParsedArgs, opts: { mustExist: boolean }): Promise<Store> {
  const path = str(args, 'db') ?? '';
  if (!path.trim()) throw new ConfigError('--db: the database path is empty; pass a file path such as ./undertaker.db');
  const dir = dirname(resolve(path));
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new ConfigError(`--db: the directory ${dir} does not exist; create it or choose another path`);
  }
  if (opts.mustExist && !existsSync(path)) {
    throw new ConfigError(`--db: no database at ${path}; nothing has been captured there yet (start \`undertaker serve --db ${path}\`, or pass the --db that serve uses)`);
  }
  try {
    return await openStore({ dialect: 'sqlite', path });
  } catch (error) {
    // A file that is not SQLite is a wrong --db, as a missing directory is: exit 2, not 1.
    if (/not a database/i.test((error as Error).message)) throw new ConfigError(`--db: ${path} is not an Undertaker database (SQLite: file is not a database); pass the --db that serve uses`);
    throw error;
  }
}
