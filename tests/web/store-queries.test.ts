// The envelope store's query extensions on SQLite: every filter reads the same in list, iterate
// (replay selection) and counts; deletes take the item index with them.
import { describe, expect, it } from 'bun:test';
import { openStore } from '../../src/store/index.ts';
import { sampleEnvelope } from '../store/contract.ts';

async function seeded() {
  const store = await openStore({ dialect: 'sqlite', path: ':memory:' });
  const rows = [
    sampleEnvelope({ receivedAt: Date.UTC(2026, 0, 1, 23, 59) }, { title: 'under_score 100%', sdkName: 'sentry.python' }),
    sampleEnvelope({ receivedAt: Date.UTC(2026, 0, 2, 0, 1) }, { title: 'underXscore', sdkName: 'sentry.go', platform: 'go', mainType: 'transaction' }),
    sampleEnvelope({ receivedAt: Date.UTC(2026, 0, 2, 12) }, { title: null, sdkName: null, platform: null, eventId: 'c'.repeat(32) }),
  ];
  const ids: number[] = [];
  for (const r of rows) ids.push(await store.insertEnvelope(r));
  return { store, ids };
}

describe('envelope queries (sqlite)', () => {
  it('matches LIKE wildcards in the search text literally, and an event id exactly', async () => {
    const { store, ids } = await seeded();
    expect((await store.listEnvelopes({ text: 'under_score' })).map((r) => r.id)).toEqual([ids[0]!]);
    expect((await store.listEnvelopes({ text: '100%' })).map((r) => r.id)).toEqual([ids[0]!]);
    expect((await store.listEnvelopes({ text: 'UNDER' })).map((r) => r.id)).toEqual([ids[1]!, ids[0]!]);
    expect((await store.listEnvelopes({ text: 'C'.repeat(32) })).map((r) => r.id)).toEqual([ids[2]!]);
    await store.close();
  });

  it('applies the new filters to iterateEnvelopes as well, so replay selects what the list shows', async () => {
    const { store, ids } = await seeded();
    const seen: number[] = [];
    for await (const r of store.iterateEnvelopes({ sdk: 'sentry.go' })) seen.push(r.id);
    for await (const r of store.iterateEnvelopes({ since: Date.UTC(2026, 0, 2), text: 'under' })) seen.push(r.id);
    expect(seen).toEqual([ids[1]!, ids[1]!]);
    expect((await store.listEnvelopes({ afterId: ids[0]!, beforeId: ids[2]! })).map((r) => r.id)).toEqual([ids[1]!]);
    await store.close();
  });

  it('counts per UTC day and groups rows without a value under null', async () => {
    const { store } = await seeded();
    const c = await store.countEnvelopes({});
    expect(c.total).toBe(3);
    expect(c.byDay).toEqual([{ key: '2026-01-01', count: 1 }, { key: '2026-01-02', count: 2 }]);
    expect(c.byPlatform).toEqual([{ key: null, count: 1 }, { key: 'go', count: 1 }, { key: 'python', count: 1 }]);
    expect(c.byType).toEqual([{ key: 'error', count: 2 }, { key: 'transaction', count: 1 }]);
    expect((await store.countEnvelopes({ type: 'nothing' })).byDay).toEqual([]);
    expect(await store.countEnvelopes({}, { byDay: false })).toEqual({ ...c, byDay: [] });
    await store.close();
  });

  it('deletes envelopes with their item index and reports how many existed', async () => {
    const { store, ids } = await seeded();
    expect((await store.listItems(ids[0]!)).length).toBe(1);
    expect(await store.deleteEnvelopes([ids[0]!, ids[0]!, 999])).toBe(1);
    expect(await store.deleteEnvelopes([])).toBe(0);
    expect(await store.listItems(ids[0]!)).toEqual([]);
    expect(await store.getEnvelope(ids[0]!)).toBeNull();
    expect((await store.listEnvelopes({})).length).toBe(2);
    await store.close();
  });
});
