// Each database has its own random id, kept across opens: what Undertakers compare to recognise
// their own database (host name and path can repeat across containers and cloned machines).
import { describe, expect, it } from 'bun:test';
import { join } from 'node:path';
import { openStore } from '../../src/store/index.ts';
import { tempDir } from '../helpers/spawn.ts';

describe('store id', () => {
  it('is random per database and the same every time one database is opened', async () => {
    const dir = tempDir('ut-store-id-');
    const open = (name: string) => openStore({ dialect: 'sqlite', path: join(dir, name) });
    const a1 = await open('a.db');
    const id = a1.storeId;
    await a1.close();
    const a2 = await open('a.db');
    expect(a2.storeId).toBe(id);
    await a2.close();
    const b = await open('b.db');
    expect(b.storeId).toMatch(/^[0-9a-f]{16}$/);
    expect(b.storeId).not.toBe(id);
    await b.close();
    const [m1, m2] = [await openStore({ dialect: 'sqlite', path: ':memory:' }), await openStore({ dialect: 'sqlite', path: ':memory:' })];
    expect(m1.storeId).not.toBe(m2.storeId);
  });
});
