// One behaviour suite for every Store dialect (run by tests/store/<dialect>.test.ts).
import { describe, expect, it } from 'bun:test';
import type { NewEnvelope, Store } from '../../src/store/index.ts';

export function sampleEnvelope(over: Partial<NewEnvelope> = {}, summary: Partial<NewEnvelope['summary']> = {}): NewEnvelope {
  return {
    receivedAt: 1_764_000_000_123,
    endpoint: 'envelope',
    projectId: 1,
    publicKey: '0123456789abcdef0123456789abcdef',
    eventTs: 1_764_000_000_000,
    requestMeta: { 'content-type': 'application/x-sentry-envelope' },
    body: new Uint8Array([0x7b, 0x7d, 0x0a, 0x00, 0xff, 0x8b, 0xc3]),
    items: [{ position: 0, type: 'event', length: 3, contentType: null, filename: null, attachmentType: null, ids: { event_id: 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' }, known: true }],
    summary: {
      eventId: 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',
      itemTypes: ['event', 'attachment'],
      mainType: 'error',
      platform: 'python',
      sdkName: 'sentry.python',
      sdkVersion: '2.75.0',
      traceId: 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb',
      release: 'app@1',
      environment: 'test',
      title: 'ValueError: boom',
      level: 'error',
      ...summary,
    },
    ...over,
  };
}

export function describeStore(label: string, open: () => Promise<Store>) {
  describe(`store (${label})`, () => {
    it('returns the exact bytes and index columns it stored', async () => {
      const store = await open();
      const e = sampleEnvelope();
      const id = await store.insertEnvelope(e);
      const got = await store.getEnvelope(id);
      expect(got).not.toBeNull();
      expect(Array.from(got!.body)).toEqual(Array.from(e.body));
      expect(got!.receivedAt).toBe(1_764_000_000_123);
      expect(got!.itemTypes).toEqual(['event', 'attachment']);
      expect(got!.title).toBe('ValueError: boom');
      expect(got!.requestMeta).toEqual({ 'content-type': 'application/x-sentry-envelope' });
      expect(got!.size).toBe(7);
      await store.close();
    });

    it('commits concurrent inserts as distinct rows, all readable after the promises resolve', async () => {
      const store = await open();
      const ids = await Promise.all(Array.from({ length: 250 }, (_, i) => store.insertEnvelope(sampleEnvelope({ projectId: i % 3 + 1 }))));
      expect(new Set(ids).size).toBe(250);
      const p2 = await store.listEnvelopes({ projectId: 2, limit: 1000 });
      expect(p2.length).toBe(83);
      await store.close();
    });

    it('filters by type and platform, newest first, with a limit', async () => {
      const store = await open();
      const a = await store.insertEnvelope(sampleEnvelope());
      const b = await store.insertEnvelope(sampleEnvelope({}, { mainType: 'transaction', platform: 'node' }));
      const c = await store.insertEnvelope(sampleEnvelope({}, { mainType: 'transaction', platform: 'python' }));
      expect((await store.listEnvelopes({ type: 'transaction' })).map((r) => r.id)).toEqual([c, b]);
      expect((await store.listEnvelopes({ platform: 'python' })).map((r) => r.id)).toEqual([c, a]);
      expect((await store.listEnvelopes({ limit: 1 })).map((r) => r.id)).toEqual([c]);
      expect((await store.listEnvelopes({ order: 'asc', limit: 2 })).map((r) => r.id)).toEqual([a, b]);
      await store.close();
    });

    it('streams matching envelopes in id order across pages', async () => {
      const store = await open();
      for (let i = 0; i < 7; i++) await store.insertEnvelope(sampleEnvelope({ projectId: i % 2 + 1 }));
      const seen: number[] = [];
      for await (const r of store.iterateEnvelopes({ projectId: 1 }, 2)) seen.push(r.projectId);
      expect(seen).toEqual([1, 1, 1, 1]);
      const limited: number[] = [];
      for await (const r of store.iterateEnvelopes({ limit: 3 }, 2)) limited.push(r.id);
      expect(limited.length).toBe(3);
      await store.close();
    });

    it('reports the newest event time per trace', async () => {
      const store = await open();
      await store.insertEnvelope(sampleEnvelope({ eventTs: 1000 }, { traceId: 't1' }));
      await store.insertEnvelope(sampleEnvelope({ eventTs: 3000 }, { traceId: 't1' }));
      await store.insertEnvelope(sampleEnvelope({ eventTs: null, receivedAt: 5000 }, { traceId: 't2' }));
      await store.insertEnvelope(sampleEnvelope({ eventTs: 9000 }, { traceId: null }));
      const m = await store.newestPerTrace({});
      expect([...m.entries()].sort()).toEqual([['t1', 3000], ['t2', 5000]]);
      await store.close();
    });
  });
}
