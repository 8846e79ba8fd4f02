// One deliverer per database: two forwarders over the same SQLite file (two `serve` processes, or a
// restart while the old one drains) deliver every outbox row exactly once; the lease passes on
// when its holder stops, at once when the holder is dead, and when it expires.
import { describe, expect, it } from 'bun:test';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { DEFAULT_SPOOL } from '../../src/config/forward-config.ts';
import { createForwarder } from '../../src/forward/forwarder.ts';
import { processAlive } from '../../src/forward/lease.ts';
import { recordingLogger } from '../helpers/logger.ts';
import { openStore } from '../../src/store/index.ts';
import { tempDir } from '../helpers/spawn.ts';
import { createHarness, envelope, headerOf, id, upstream } from './harness.ts';

const RF = { '1': { mode: 'record+forward' as const, upstream: upstream(42) } };

/** A second forwarder on the harness's database file: another process's view of the same outbox. */
async function secondForwarder(path: string, h: Awaited<ReturnType<typeof createHarness>>, alive = true, owner = 'other-host:1:b') {
  const store = await openStore({ dialect: 'sqlite', path });
  const { logger, logs } = recordingLogger();
  const sent: string[] = [];
  const fetch = (async (_url: string, init: RequestInit) => {
    sent.push(headerOf(gunzipSync(init.body as Uint8Array)).event_id as string);
    return Response.json({});
  }) as unknown as typeof globalThis.fetch;
  const forwarder = createForwarder({ store, logger, spool: DEFAULT_SPOOL, client: 't', clock: h.clock, fetch, leaseOwner: owner, holderAlive: () => alive });
  return { store, logs, sent, forwarder };
}

describe('outbox delivery lease', () => {
  it('lets only one of two processes on a database deliver, and passes on when it stops', async () => {
    const path = join(tempDir('ut-lease-'), 'front.db');
    const h = await createHarness(RF, { path, leaseOwner: 'this-host:1:a' });
    for (let n = 1; n <= 5; n++) expect((await h.post('/api/1/envelope/', envelope(id(n)))).status).toBe(200);
    const b = await secondForwarder(path, h);
    // The first to pass takes the lease; the other delivers nothing while it is held.
    await h.forwarder.pass();
    await b.forwarder.pass();
    expect(h.sentIds()).toEqual([1, 2, 3, 4, 5].map(id));
    expect(b.sent).toEqual([]);
    expect(b.logs).toEqual([expect.stringContaining('another Undertaker (this-host:1:a) delivers')]);
    for (let n = 6; n <= 8; n++) expect((await h.post('/api/1/envelope/', envelope(id(n)))).status).toBe(200);
    await b.forwarder.pass();
    expect(b.sent).toEqual([]);
    // The holder stops (gives the lease up): the other takes over with the rows left.
    await h.forwarder.stop(0);
    await b.forwarder.pass();
    expect(b.sent).toEqual([6, 7, 8].map(id));
    expect(h.sent.length).toBe(5);
    expect((await b.store.outboxStats()).rows).toBe(0);
    expect(b.logs.at(-1)).toContain('takes over');
  });

  it('takes the lease of a dead holder at once, and of a silent one when it expires', async () => {
    const path = join(tempDir('ut-lease-'), 'front.db');
    const h = await createHarness(RF, { path, leaseOwner: 'this-host:1:a' });
    expect((await h.post('/api/1/envelope/', envelope(id(1)))).status).toBe(200);
    await h.forwarder.pass();
    expect((await h.post('/api/1/envelope/', envelope(id(2)))).status).toBe(200);
    const dead = await secondForwarder(path, h, false);
    await dead.forwarder.pass();
    expect(dead.sent).toEqual([id(2)]);

    // A holder that is alive but silent (its lease not renewed) loses it when it expires (45 s).
    expect((await h.post('/api/1/envelope/', envelope(id(3)))).status).toBe(200);
    const live = await secondForwarder(path, h, true, 'third-host:1:c');
    h.clock.set(h.clock.now() + 44_000);
    await live.forwarder.pass();
    expect(live.sent).toEqual([]);
    h.clock.set(h.clock.now() + 2_000);
    await live.forwarder.pass();
    expect(live.sent).toEqual([id(3)]);
  });

  it('knows a pid of this host that no longer runs', () => {
    const host = require('node:os').hostname();
    expect(processAlive(`${host}:${process.pid}:x`)).toBe(true);
    expect(processAlive(`${host}:2147483646:x`)).toBe(false);
    expect(processAlive('some-other-host:1:x')).toBe(true);
  });
});
