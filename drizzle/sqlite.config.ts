import { defineConfig } from 'drizzle-kit';

// Generates SQLite migrations: `bunx drizzle-kit generate --config drizzle/sqlite.config.ts`,
// then `bun scripts/gen-migrations.ts` to embed them in the binary.
export default defineConfig({
  dialect: 'sqlite',
  schema: './src/store/sqlite/schema.ts',
  out: './drizzle/sqlite',
});
