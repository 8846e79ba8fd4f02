/**
 * Applies embedded drizzle migrations. drizzle's own `migrate()` reads the
 * migration folder from disk, which does not exist inside a compiled binary, so
 * the journal and SQL are imported as text and turned into the same metadata.
 */
import { createHash } from 'node:crypto';

export interface EmbeddedMigration {
  tag: string;
  when: number;
  breakpoints: boolean;
  sql: string;
}

export interface MigrationMeta {
  sql: string[];
  bps: boolean;
  folderMillis: number;
  hash: string;
}

/** Mirrors drizzle-orm's `readMigrationFiles` for migrations embedded as text. */
export function toMigrationMeta(migrations: EmbeddedMigration[]): MigrationMeta[] {
  return migrations.map((m) => ({
    sql: m.sql.split('--> statement-breakpoint'),
    bps: m.breakpoints,
    folderMillis: m.when,
    hash: createHash('sha256').update(m.sql).digest('hex'),
  }));
}

interface MigratableDb {
  dialect: { migrate(m: MigrationMeta[], session: unknown, cfg: { migrationsFolder: string }): unknown };
  session: unknown;
}

/** The one place that touches drizzle's internal `dialect.migrate` (absent from its public types). */
export async function applyMigrations(db: unknown, migrations: EmbeddedMigration[]): Promise<void> {
  const internal = db as MigratableDb;
  await internal.dialect.migrate(toMigrationMeta(migrations), internal.session, { migrationsFolder: '(embedded)' });
}
