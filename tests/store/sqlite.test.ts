import { describe, expect, it } from 'bun:test';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Database } from 'bun:sqlite';
import { readMigrationFiles } from 'drizzle-orm/migrator';
import { renderMigrationsModule } from '../../scripts/gen-migrations.ts';
import { openStore } from '../../src/store/index.ts';
import { toMigrationMeta } from '../../src/store/migrate.ts';
import { SQLITE_MIGRATIONS } from '../../src/store/sqlite/migrations.gen.ts';
import { describeStore, sampleEnvelope } from './contract.ts';

const ROOT = join(import.meta.dir, '../..');

describeStore('sqlite :memory:', () => openStore({ dialect: 'sqlite', path: ':memory:' }));

describe('sqlite migrations', () => {
  it('embeds exactly what drizzle would read from the migration folder', () => {
    const fromDisk = readMigrationFiles({ migrationsFolder: join(ROOT, 'drizzle/sqlite') });
    expect(toMigrationMeta(SQLITE_MIGRATIONS)).toEqual(fromDisk);
  });

  it('has a generated module that is up to date with drizzle/sqlite', () => {
    const expected = renderMigrationsModule(join(ROOT, 'drizzle/sqlite'), '../../../drizzle/sqlite');
    expect(readFileSync(join(ROOT, 'src/store/sqlite/migrations.gen.ts'), 'utf8')).toBe(expected);
  });

  it('opens an existing database twice without re-running migrations, in WAL mode', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'ut-store-')), 'u.db');
    const first = await openStore({ dialect: 'sqlite', path });
    await first.insertEnvelope(sampleEnvelope());
    await first.close();
    const second = await openStore({ dialect: 'sqlite', path });
    expect((await second.listEnvelopes({})).length).toBe(1);
    await second.close();
    const raw = new Database(path);
    expect(raw.query('PRAGMA journal_mode').get()).toEqual({ journal_mode: 'wal' });
    expect(raw.query('select count(*) as n from __drizzle_migrations').get()).toEqual({ n: SQLITE_MIGRATIONS.length });
    raw.close();
  });
});
