// Capture with forwarding: the outbox row commits with the capture (or not at all), per-source modes,
// byte-exact items with only the header dsn rewritten, and the spool's bounds with /health numbers.
import { describe, expect, it } from 'bun:test';
import { Database } from 'bun:sqlite';
import { join } from 'node:path';
import { tempDir } from '../helpers/spawn.ts';
import { afterHeader, concat, createHarness, envelope, headerOf, id, SDK_KEY, UP_KEY, upstream } from './harness.ts';

const enc = new TextEncoder();

/** An attachment and a replay recording whose payloads hold every byte value, newlines and invalid UTF-8 included. */
function binaryItems(): Uint8Array[] {
  const bytes = Uint8Array.from({ length: 512 }, (_, i) => (i * 7) % 256);
  return [
    concat([enc.encode(`{"type":"attachment","length":${bytes.length},"filename":"blob.bin","content_type":"application/octet-stream"}\n`), bytes, enc.encode('\n')]),
    concat([enc.encode(`{"type":"replay_recording","length":${bytes.length + 1}}\n`), Uint8Array.of(0x0a), bytes.toReversed(), enc.encode('\n')]),
  ];
}

describe('forwarding modes', () => {
  it('record+forward stores the envelope and sends its exact item bytes with only the header dsn and auth rewritten', async () => {
    const h = await createHarness({ '1': { mode: 'record+forward', upstream: upstream(42) } });
    const body = envelope(id(1), 'event', { dsn: `http://${SDK_KEY}@sdk.example/1`, extra: binaryItems() });
    const res = await h.post('/api/1/envelope/', body, { 'content-type': 'application/x-sentry-envelope', 'transfer-encoding': 'chunked', connection: 'keep-alive' });
    expect(res.status).toBe(200);
    expect((await h.store.listEnvelopes({})).map((e) => e.eventId)).toEqual([id(1)]);
    const [row] = await h.store.listOutbox(1, 10);
    expect(row).toMatchObject({ envelopeId: 1, projectId: 1, upstream: upstream(42), categories: ['error', 'attachment', 'replay'], size: body.length });
    await h.forwarder.pass();
    const [sent] = h.sent;
    expect(sent!.url).toBe('http://127.0.0.1:9/api/42/envelope/');
    expect(sent!.headers).toEqual({
      'content-type': 'application/x-sentry-envelope',
      'x-sentry-auth': `Sentry sentry_key=${UP_KEY}, sentry_version=7, sentry_client=undertaker/test`,
      'user-agent': 'undertaker/test',
      'content-encoding': 'gzip',
    });
    expect(headerOf(sent!.body)).toEqual({ event_id: id(1), sent_at: '2026-07-15T12:00:00.000Z', dsn: upstream(42) });
    expect(Buffer.from(afterHeader(sent!.body)).equals(Buffer.from(afterHeader(body)))).toBe(true);
    expect((await h.store.outboxStats()).rows).toBe(0);
    expect((await h.store.getEnvelope(1))!.body).toEqual(body);
  });

  it('forward keeps the bytes only in the outbox and sends an envelope without dsn unchanged', async () => {
    const h = await createHarness({ '2': { mode: 'forward', upstream: upstream(43) } });
    const body = envelope(id(2), 'event', { extra: binaryItems() });
    expect((await h.post('/api/2/envelope/', body)).status).toBe(200);
    expect(await h.store.listEnvelopes({})).toEqual([]);
    const [row] = await h.store.listOutbox(2, 10);
    expect(row).toMatchObject({ envelopeId: null, size: body.length });
    expect(await h.store.outboxBody(row!.id)).toEqual(body);
    await h.forwarder.pass();
    expect(h.sent[0]!.body).toEqual(body);
    expect((await h.store.outboxStats()).rows).toBe(0);
  });

  it('forwards a store-endpoint event as the envelope Relay builds from it', async () => {
    const h = await createHarness({ '*': { mode: 'forward', upstream: upstream(44) } });
    const event = { event_id: id(3), message: 'from raven', platform: 'python' };
    expect((await h.post('/api/7/store/', JSON.stringify(event), { 'content-type': 'application/json' })).status).toBe(200);
    await h.forwarder.pass();
    const text = new TextDecoder().decode(h.sent[0]!.body).split('\n');
    expect(text.slice(0, 2)).toEqual([`{"event_id":"${id(3)}"}`, '{"type":"event"}']);
    expect(JSON.parse(text[2]!)).toEqual(event);
    expect(h.sent[0]!.url).toBe('http://127.0.0.1:9/api/44/envelope/');
  });

  it('routes by project id: its own entry, else *, and record keeps a project out of forwarding', async () => {
    const h = await createHarness({ '*': { mode: 'record+forward', upstream: upstream(50) }, '1': { mode: 'record' }, '2': { mode: 'forward', upstream: upstream(51) } });
    for (const [project, n] of [[1, 1], [2, 2], [3, 3]] as const) expect((await h.post(`/api/${project}/envelope/`, envelope(id(n)))).status).toBe(200);
    expect((await h.store.listEnvelopes({ order: 'asc' })).map((e) => e.projectId)).toEqual([1, 3]);
    expect((await h.store.outboxSources())).toEqual([2, 3]);
    await h.forwarder.pass();
    expect(h.sent.map((r) => [r.url, r.eventId]).sort()).toEqual([
      ['http://127.0.0.1:9/api/50/envelope/', id(3)],
      ['http://127.0.0.1:9/api/51/envelope/', id(2)],
    ]);
  });

  it('commits the outbox row in the same transaction: when it cannot be written, nothing is stored and the SDK gets no 200', async () => {
    const path = join(tempDir('ut-fwd-'), 'tx.db');
    const h = await createHarness({ '1': { mode: 'record+forward', upstream: upstream(42) } }, { path });
    expect((await h.post('/api/1/envelope/', envelope(id(1)))).status).toBe(200);
    const other = new Database(path);
    other.run(`CREATE TRIGGER refuse_outbox BEFORE INSERT ON outbox BEGIN SELECT RAISE(ABORT, 'outbox refused'); END`);
    const refused = await h.post('/api/1/envelope/', envelope(id(2)));
    expect(refused.status).toBe(500);
    expect((await h.store.listEnvelopes({})).map((e) => e.eventId)).toEqual([id(1)]);
    other.run('DROP TRIGGER refuse_outbox');
    other.close();
    expect((await h.post('/api/1/envelope/', envelope(id(3)))).status).toBe(200);
    expect((await h.store.listOutbox(1, 10)).map((r) => r.envelopeId)).toEqual([1, 2]);
    expect((await h.store.listEnvelopes({ order: 'asc' })).map((e) => e.eventId)).toEqual([id(1), id(3)]);
  });
});

describe('spool bounds', () => {
  it('sheds the oldest rows past max rows and max bytes, logs and counts each, and reports them on /health', async () => {
    const size = envelope(id(1)).length;
    const h = await createHarness({ '1': { mode: 'forward', upstream: upstream(42) } }, { spool: { maxRows: 4, maxBytes: size * 3 + 10, maxAgeMs: 3_600_000 } });
    for (let n = 1; n <= 6; n++) {
      expect((await h.post('/api/1/envelope/', envelope(id(n)))).status).toBe(200);
      h.clock.set(h.clock.now() + 1000);
    }
    await h.forwarder.refresh();
    expect((await h.store.listOutbox(1, 10)).map((r) => r.id)).toEqual([4, 5, 6]);
    const shed = h.logs.filter((l) => l.includes('shed outbox row'));
    expect(shed.length).toBe(3);
    expect(shed[0]).toContain(`shed outbox row 1 (project 1, captured 2026-07-15T12:00:00.000Z, ${size} bytes, 0 attempt(s)): spool over max_rows 4 or max_bytes ${size * 3 + 10}; not recorded, lost`);
    expect(await h.health()).toEqual({ status: 'ok', outbox: { depth: 3, bytes: size * 3, parked: 0, oldest_age_ms: 3000, shed: 3, delivered: 0 } });
  });

  it('sheds rows older than max age, oldest first, and says a recorded envelope is kept', async () => {
    const h = await createHarness({ '1': { mode: 'record+forward', upstream: upstream(42) } }, { spool: { maxRows: 100, maxBytes: 1e9, maxAgeMs: 60_000 } });
    expect((await h.post('/api/1/envelope/', envelope(id(1)))).status).toBe(200);
    h.clock.set(h.clock.now() + 30_000);
    expect((await h.post('/api/1/envelope/', envelope(id(2)))).status).toBe(200);
    h.clock.set(h.clock.now() + 30_001);
    await h.forwarder.refresh();
    expect((await h.store.listOutbox(1, 10)).map((r) => r.id)).toEqual([2]);
    expect(h.logs.filter((l) => l.includes('shed'))).toEqual([expect.stringContaining('shed outbox row 1 (project 1, captured 2026-07-15T12:00:00.000Z')]);
    expect(h.logs[0]).toContain('older than max_age 60 s; still recorded as envelope 1');
    expect(h.forwarder.health()).toMatchObject({ depth: 1, shed: 1, oldest_age_ms: 30_001 });
    expect((await h.store.listEnvelopes({})).length).toBe(2);
  });
});
