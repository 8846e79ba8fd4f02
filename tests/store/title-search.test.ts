// Title search through the trigram index (migration 0003): literal, case-insensitive substrings,
// short text by LIKE, deletes leave no stale hits, and rows stored before the migration are found.
import { Database } from 'bun:sqlite';
import { describe, expect, it } from 'bun:test';
import { join } from 'node:path';
import { drizzle } from 'drizzle-orm/bun-sqlite';
import { openStore, type Store } from '../../src/store/index.ts';
import { applyMigrations } from '../../src/store/migrate.ts';
import { SQLITE_MIGRATIONS } from '../../src/store/sqlite/migrations.gen.ts';
import { tempDir } from '../helpers/spawn.ts';
import { sampleEnvelope } from './contract.ts';

const TITLES = ['ValueError: invalid payload #123453', 'TypeError: "quoted" 50%_off', 'ZeroDivisionError: division by zero', 'Ωmega Ärger: ünïcode', 'GET /api/items/{id}'] as const;

async function storeWithTitles(): Promise<{ store: Store; ids: number[] }> {
  const store = await openStore({ dialect: 'sqlite', path: ':memory:' });
  const ids: number[] = [];
  for (const title of TITLES) ids.push(await store.insertEnvelope(sampleEnvelope({}, { title, eventId: null })));
  return { store, ids };
}

const found = async (store: Store, text: string) => (await store.listEnvelopes({ text, order: 'asc' })).map((r) => r.title);

describe('title search', () => {
  it('finds literal, case-insensitive substrings of three characters or more', async () => {
    const { store } = await storeWithTitles();
    expect(await found(store, 'PAYLOAD #1234')).toEqual([TITLES[0]]);
    expect(await found(store, '"quoted" 50%_')).toEqual([TITLES[1]]);
    expect(await found(store, '50%')).toEqual([TITLES[1]]);
    expect(await found(store, 'ÄRGER')).toEqual([TITLES[3]]);
    expect(await found(store, '{id}')).toEqual([TITLES[4]]);
    expect(await found(store, 'Error:')).toEqual([TITLES[0], TITLES[1], TITLES[2]]);
    expect(await found(store, 'payload #99')).toEqual([]);
    await store.close();
  });

  it('matches shorter text with LIKE, wildcards taken literally, in any case (non-ASCII too)', async () => {
    const { store } = await storeWithTitles();
    expect(await found(store, 'ä')).toEqual([TITLES[3]]);
    expect(await found(store, 'ÜN')).toEqual([TITLES[3]]);
    expect(await found(store, 'ω')).toEqual([TITLES[3]]);
    expect(await found(store, '%_')).toEqual([TITLES[1]]);
    expect(await found(store, 'ze')).toEqual([TITLES[2]]);
    expect(await found(store, '#9')).toEqual([]);
    await store.close();
  });

  it('pages through matches newest first with the other filters and a cursor', async () => {
    const store = await openStore({ dialect: 'sqlite', path: ':memory:' });
    const ids: number[] = [];
    for (let i = 0; i < 30; i++) ids.push(await store.insertEnvelope(sampleEnvelope({}, { title: `Error number ${i}`, eventId: null, platform: i % 3 ? 'python' : 'go' })));
    const page = async (f: { beforeId?: number; platform?: string; order?: 'asc' | 'desc' }) => (await store.listEnvelopes({ text: 'error number', limit: 4, ...f })).map((r): number | undefined => r.id);
    expect(await page({})).toEqual([ids[29], ids[28], ids[27], ids[26]]);
    expect(await page({ beforeId: ids[26] })).toEqual([ids[25], ids[24], ids[23], ids[22]]);
    expect(await page({ platform: 'go', beforeId: ids[27] })).toEqual([ids[24], ids[21], ids[18], ids[15]]);
    expect(await page({ order: 'asc', platform: 'go' })).toEqual([ids[0], ids[3], ids[6], ids[9]]);
    expect((await store.countEnvelopes({ text: 'error number', platform: 'go' })).total).toBe(10);
    await store.close();
  });

  it('takes text with NUL bytes without failing: they are left out', async () => {
    const { store } = await storeWithTitles();
    expect(await found(store, 'divi\0sion')).toEqual([TITLES[2]]);
    expect(await found(store, 'ze\0')).toEqual([TITLES[2]]);
    expect(await found(store, '\0')).toEqual([]);
    expect((await store.countEnvelopes({ text: 'a\0b' })).total).toBe(0);
    await store.close();
  });

  it('forgets deleted envelopes', async () => {
    const { store, ids } = await storeWithTitles();
    expect(await store.deleteEnvelopes([ids[2]!, 999])).toBe(1);
    expect(await found(store, 'division')).toEqual([]);
    expect(await found(store, 'Error:')).toEqual([TITLES[0], TITLES[1]]);
    await store.close();
  });

  it('indexes the titles of envelopes stored before the index existed', async () => {
    const path = join(tempDir('ut-fts-'), 'old.db');
    const client = new Database(path);
    await applyMigrations(drizzle({ client }), SQLITE_MIGRATIONS.filter((m) => m.tag < '0003'));
    client.run(
      "insert into envelopes (received_at, endpoint, project_id, item_types, main_type, size, request_meta, body, body_encoding, title) values (1, 'envelope', 1, '[]', 'error', 2, '{}', x'7b7d', 'identity', 'OldError: stored before 0003')",
    );
    client.close();
    const store = await openStore({ dialect: 'sqlite', path });
    expect(await found(store, 'before 0003')).toEqual(['OldError: stored before 0003']);
    await store.close();
  });
});
