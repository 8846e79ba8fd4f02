// The JSON API over the real app and store: filters, cursor pages, one event decoded, raw bytes,
// deletes, stats, validation errors and the OpenAPI document.
import { afterEach, describe, expect, it } from 'bun:test';
import { createWebApp, DAY, errorEvent, T0, transactionEvent, type WebApp } from './web-app.ts';

let app: WebApp;
afterEach(async () => {
  expect(app.errors).toEqual([]);
  await app.store.close();
});

/** Six envelopes over three days, in two projects, from two SDKs. */
async function seed() {
  app = await createWebApp();
  const py1 = await app.capture(errorEvent());
  const tx1 = await app.capture(transactionEvent(), { project: 2 });
  app.clock.now = T0 + DAY;
  const py2 = await app.capture(errorEvent({ exception: { values: [{ type: 'ZeroDivisionError', value: 'division by zero' }] }, environment: 'staging' }));
  const msg = await app.capture({ platform: 'python', message: 'Disk 95% full', level: 'warning', sdk: { name: 'sentry.python', version: '2.75.0' }, release: 'shop@1.2.4' });
  app.clock.now = T0 + 2 * DAY;
  const tx2 = await app.capture(transactionEvent({ transaction: 'GET /cart' }), { project: 2 });
  const go = await app.capture({ platform: 'go', message: 'panic: nil map', level: 'fatal', sdk: { name: 'sentry.go', version: '0.30.0' } }, { project: 3 });
  return { py1, tx1, py2, msg, tx2, go };
}

const idsOf = (r: { events: { id: number }[] }) => r.events.map((e) => e.id);

describe('GET /api/events', () => {
  it('lists newest first and filters by type, platform, SDK, project, release and environment', async () => {
    const ids = await seed();
    expect(idsOf(await app.json('/api/events'))).toEqual([ids.go, ids.tx2, ids.msg, ids.py2, ids.tx1, ids.py1]);
    expect(idsOf(await app.json('/api/events?type=transaction'))).toEqual([ids.tx2, ids.tx1]);
    expect(idsOf(await app.json('/api/events?platform=python'))).toEqual([ids.msg, ids.py2, ids.py1]);
    expect(idsOf(await app.json('/api/events?sdk=sentry.go'))).toEqual([ids.go]);
    expect(idsOf(await app.json('/api/events?project=2'))).toEqual([ids.tx2, ids.tx1]);
    expect(idsOf(await app.json('/api/events?release=shop@1.2.4'))).toEqual([ids.msg]);
    expect(idsOf(await app.json('/api/events?environment=staging&platform=python'))).toEqual([ids.py2]);
  });

  it('filters by capture time range and by free text over the title or an event id', async () => {
    const ids = await seed();
    const day2 = new Date(T0 + DAY).toISOString();
    expect(idsOf(await app.json(`/api/events?since=${day2}`))).toEqual([ids.go, ids.tx2, ids.msg, ids.py2]);
    expect(idsOf(await app.json(`/api/events?since=${day2}&until=${T0 + 2 * DAY}`))).toEqual([ids.msg, ids.py2]);
    // A time without a zone (what datetime-local inputs send) is UTC.
    expect(idsOf(await app.json('/api/events?until=2026-07-16T08:00'))).toEqual([ids.tx1, ids.py1]);
    // Empty values mean no filter, as a browser form sends them.
    expect(idsOf(await app.json('/api/events?q=division&type=&platform=&sdk=&project=&release=&environment=&since=&until='))).toEqual([ids.py2]);
    expect(idsOf(await app.json('/api/events?q=division'))).toEqual([ids.py2]);
    expect(idsOf(await app.json('/api/events?q=DISK%2095%25'))).toEqual([ids.msg]);
    expect(idsOf(await app.json('/api/events?q=%25'))).toEqual([ids.msg]);
    const { event_id } = await app.json(`/api/events/${ids.go}`);
    expect(idsOf(await app.json(`/api/events?q=${event_id}`))).toEqual([ids.go]);
  });

  it('pages with next_cursor until the last page, and `after` returns only newer rows', async () => {
    const ids = await seed();
    const p1 = await app.json('/api/events?limit=4');
    expect(idsOf(p1)).toEqual([ids.go, ids.tx2, ids.msg, ids.py2]);
    expect(p1.next_cursor).toBe(String(ids.py2));
    const p2 = await app.json(`/api/events?limit=4&cursor=${p1.next_cursor}`);
    expect(idsOf(p2)).toEqual([ids.tx1, ids.py1]);
    expect(p2.next_cursor).toBeNull();
    const typed = await app.json('/api/events?limit=1&platform=python');
    expect(idsOf(typed)).toEqual([ids.msg]);
    expect(idsOf(await app.json(`/api/events?limit=1&platform=python&cursor=${typed.next_cursor}`))).toEqual([ids.py2]);
    expect(idsOf(await app.json(`/api/events?after=${ids.msg}`))).toEqual([ids.go, ids.tx2]);
  });

  it('answers 400 saying what is wrong when a query is invalid', async () => {
    await seed();
    for (const [path, word] of [
      ['/api/events?limit=0', 'query parameter 0: Expected number to be greater or equal to 1'],
      ['/api/events?limit=501', 'query parameter 501: Expected number to be less or equal to 500'],
      ['/api/events?cursor=abc', "cursor: Expected string to match '^[0-9]+$'"],
      ['/api/events?since=yesterday', 'since: "yesterday" is not a time'],
    ]) {
      const res = await app.request(path!);
      expect(res.status).toBe(400);
      const body = await res.json();
      expect(body.error.code).toBe('bad_request');
      expect(body.error.message).toContain(word!);
    }
  });
});

describe('GET /api/events/:id', () => {
  it('returns the header and every item: JSON parsed, binary as size, content type and hex preview', async () => {
    app = await createWebApp();
    const png = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0xff];
    // The attachment bytes must reach the server unchanged, so the body is built as bytes.
    const head = new TextEncoder().encode(`{"event_id":"${'1'.repeat(32)}"}\n{"type":"event"}\n${JSON.stringify(errorEvent({ event_id: '1'.repeat(32) }))}\n{"type":"attachment","length":${png.length},"filename":"shot.png","content_type":"image/png"}\n`);
    const body = new Uint8Array([...head, ...png]);
    expect((await app.request('/api/1/envelope/?sentry_key=0123456789abcdef0123456789abcdef', { method: 'POST', body })).status).toBe(200);
    const [row] = await app.store.listEnvelopes({});
    const e = await app.json(`/api/events/${row!.id}`);
    expect(e.event_id).toBe('1'.repeat(32));
    expect(e.header).toEqual({ event_id: '1'.repeat(32) });
    expect(e.items.map((i: any) => i.type)).toEqual(['event', 'attachment']);
    expect(e.items[0].payload.exception.values[0].type).toBe('KeyError');
    expect(e.items[0].ids).toEqual({ event_id: '1'.repeat(32), trace_id: 'a'.repeat(32), span_id: 'b'.repeat(16) });
    expect(e.items[1].payload).toBeUndefined();
    expect(e.items[1].binary).toEqual({ size: 10, content_type: 'image/png', filename: 'shot.png', preview_hex: '89 50 4e 47 0d 0a 1a 0a 00 ff', preview_text: null });
    expect(e.raw_url).toBe(`/api/events/${row!.id}/raw`);

    const raw = await app.request(e.raw_url);
    expect(new Uint8Array(await raw.arrayBuffer())).toEqual(body);
    const item = await app.request(e.items[1].raw_url);
    expect(item.headers.get('content-type')).toBe('image/png');
    expect(item.headers.get('content-disposition')).toBe(`attachment; filename="shot.png"; filename*=UTF-8''shot.png`);
    // Captured bytes never run as this origin's page.
    expect(item.headers.get('content-security-policy')).toBe("sandbox; default-src 'none'");
    expect(Array.from(new Uint8Array(await item.arrayBuffer()))).toEqual(png);
    expect((await app.request(`/api/events/${row!.id}/items/2/raw`)).status).toBe(404);
  });

  it('answers 404 with a JSON error for an id that does not exist', async () => {
    app = await createWebApp();
    const res = await app.request('/api/events/99');
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: { code: 'not_found', message: 'no envelope with id 99' } });
  });
});

describe('DELETE /api/events', () => {
  it('deletes one, then answers 404 for it; deletes many and counts only those that existed', async () => {
    const ids = await seed();
    expect(await app.json(`/api/events/${ids.py1}`, { method: 'DELETE' })).toEqual({ deleted: 1 });
    expect((await app.request(`/api/events/${ids.py1}`, { method: 'DELETE' })).status).toBe(404);
    expect(await app.store.listItems(ids.py1)).toEqual([]);
    const body = JSON.stringify({ ids: [ids.tx1, ids.go, ids.py1, 9999] });
    expect(await app.json('/api/events', { method: 'DELETE', headers: { 'content-type': 'application/json' }, body })).toEqual({ deleted: 2 });
    expect(idsOf(await app.json('/api/events'))).toEqual([ids.tx2, ids.msg, ids.py2]);
    const empty = await app.request('/api/events', { method: 'DELETE', headers: { 'content-type': 'application/json' }, body: '{"ids":[]}' });
    expect(empty.status).toBe(400);
  });
});

describe('GET /api/stats', () => {
  it('counts by platform, type, SDK and UTC day, with the list filters', async () => {
    await seed();
    expect(await app.json('/api/stats')).toEqual({
      total: 6,
      by_platform: [{ key: 'python', count: 3 }, { key: 'node', count: 2 }, { key: 'go', count: 1 }],
      by_type: [{ key: 'error', count: 4 }, { key: 'transaction', count: 2 }],
      by_sdk: [{ key: 'sentry.python', count: 3 }, { key: 'sentry.javascript.node', count: 2 }, { key: 'sentry.go', count: 1 }],
      by_day: [{ key: '2026-07-15', count: 2 }, { key: '2026-07-16', count: 2 }, { key: '2026-07-17', count: 2 }],
    });
    const python = await app.json('/api/stats?platform=python');
    expect(python.total).toBe(3);
    expect(python.by_day).toEqual([{ key: '2026-07-15', count: 1 }, { key: '2026-07-16', count: 2 }]);
  });
});

describe('GET /openapi', () => {
  it('documents every API route with its parameters', async () => {
    app = await createWebApp();
    const doc = await app.json('/openapi');
    expect(doc.openapi).toStartWith('3.');
    for (const path of ['/api/events', '/api/events/{id}', '/api/events/{id}/raw', '/api/events/{id}/items/{index}/raw', '/api/stats', '/api/replays', '/api/replays/{id}']) {
      expect(Object.keys(doc.paths)).toContain(path);
    }
    expect(Object.keys(doc.paths)).not.toContain('/*');
    expect(Object.keys(doc.paths['/api/events'])).toEqual(['get', 'delete']);
    const params = doc.paths['/api/events'].get.parameters.map((p: { name: string }) => p.name);
    expect(params).toEqual(['type', 'platform', 'sdk', 'project', 'release', 'environment', 'since', 'until', 'q', 'limit', 'cursor', 'after']);
  });
});
