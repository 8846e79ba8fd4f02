// Forwarding between real processes: an Undertaker in record+forward mode in front of a second one
// acting as upstream, which is stopped for a minute under load and restarted on the same port and
// database; and SIGTERM draining the outbox for a bounded time, the rest resumed on the next start.
import { afterAll, describe, expect, it } from 'bun:test';
import { Database } from 'bun:sqlite';
import { existsSync, writeFileSync } from 'node:fs';
import { lookup } from 'node:dns/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../../src/store/index.ts';
import { freePorts, runUndertaker, type ServerHandle, startServer, stopAll, TEST_KEY, tempDir } from '../helpers/spawn.ts';

afterAll(stopAll);

const UP_KEY = 'fedcba9876543210fedcba9876543210';
const enc = new TextEncoder();
const TOTAL = 2000;
const SEND_MS = 70_000;
const DOWN_AT_MS = 8_000;
const DOWN_FOR_MS = 60_000;

function envelope(eventId: string, project: number, frontPort: number, binary: boolean): Uint8Array<ArrayBuffer> {
  const header = JSON.stringify({ event_id: eventId, sent_at: new Date().toISOString(), dsn: `http://${TEST_KEY}@127.0.0.1:${frontPort}/${project}` });
  const payload = JSON.stringify({ event_id: eventId, message: `forward ${eventId}`, platform: 'python', level: 'error' });
  const parts = [enc.encode(`${header}\n{"type":"event","length":${enc.encode(payload).length}}\n${payload}\n`)];
  if (binary) {
    const bytes = Uint8Array.from({ length: 300 }, (_, i) => (i * 31 + Number.parseInt(eventId.slice(-4), 16)) % 256);
    parts.push(enc.encode(`{"type":"attachment","length":300,"filename":"a.bin"}\n`), bytes, enc.encode('\n'));
  }
  return Uint8Array.from(parts.flatMap((p) => [...p]));
}

/** Event ids and bodies in row order, per project, read through the store (bodies decoded). */
async function stored(db: string): Promise<Map<number, { eventId: string; body: Uint8Array }[]>> {
  const store = await openStore({ dialect: 'sqlite', path: db });
  const byProject = new Map<number, { eventId: string; body: Uint8Array }[]>();
  for await (const e of store.iterateEnvelopes({})) {
    byProject.set(e.projectId, [...(byProject.get(e.projectId) ?? []), { eventId: e.eventId!, body: e.body }]);
  }
  await store.close();
  return byProject;
}

function outboxRows(db: string): number {
  const conn = new Database(db, { readonly: true });
  try {
    return (conn.query('select count(*) as n from outbox').get() as { n: number }).n;
  } finally {
    conn.close();
  }
}

async function outboxDepth(server: ServerHandle): Promise<number> {
  const health = (await (await fetch(`${server.url}/health`)).json()) as { outbox: { depth: number } };
  return health.outbox.depth;
}

async function waitForEmptyOutbox(server: ServerHandle, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while ((await outboxDepth(server)) > 0) {
    if (Date.now() > deadline) throw new Error(`outbox not empty after ${timeoutMs} ms:\n${server.logs().slice(-3000)}`);
    await Bun.sleep(200);
  }
}

const afterHeader = (b: Uint8Array) => Buffer.from(b.subarray(b.indexOf(0x0a) + 1));

describe('record+forward in front of an upstream that goes away', () => {
  it('stores and delivers every acknowledged envelope exactly once, in order per source, across a one-minute upstream outage', async () => {
    const dir = tempDir('ut-fwd-e2e-');
    let upstream = await startServer({ db: join(dir, 'up.db') });
    const upPort = upstream.port;
    const config = join(dir, 'forward.yaml');
    const sources = [1, 2, 3, 4].map((p) => `  ${p}: { mode: record+forward, upstream: "http://${UP_KEY}@127.0.0.1:${upPort}/${100 + p}" }`);
    writeFileSync(config, ['sources:', ...sources, 'max_backoff: 2s', 'drain_timeout: 5s'].join('\n'));
    const front = await startServer({ db: join(dir, 'front.db'), args: ['--forward-config', config] });

    const acknowledged = new Set<string>();
    const started = Date.now();
    let next = 0;
    // 8 SDK-like clients share one schedule: envelope k goes out at k × SEND_MS / TOTAL.
    const client = async () => {
      for (let k = next++; k < TOTAL; k = next++) {
        await Bun.sleep(Math.max(0, started + (k * SEND_MS) / TOTAL - Date.now()));
        const eventId = k.toString(16).padStart(32, '0');
        const res = await fetch(`${front.url}/api/${(k % 4) + 1}/envelope/`, { method: 'POST', body: envelope(eventId, (k % 4) + 1, front.port, k % 10 === 0) });
        if (res.status === 200 && ((await res.json()) as { id?: string }).id === eventId) acknowledged.add(eventId);
      }
    };
    let depthBeforeRestart = 0;
    const outage = (async () => {
      await Bun.sleep(DOWN_AT_MS);
      expect(await upstream.stop('SIGTERM')).toBe(0);
      await Bun.sleep(DOWN_FOR_MS);
      depthBeforeRestart = await outboxDepth(front);
      upstream = await startServer({ db: join(dir, 'up.db'), args: ['--port', String(upPort)] });
    })();
    await Promise.all([...Array.from({ length: 8 }, client), outage]);
    await waitForEmptyOutbox(front, 60_000);
    expect(await front.stop('SIGTERM')).toBe(0);
    expect(await upstream.stop('SIGTERM')).toBe(0);

    expect(acknowledged.size).toBe(TOTAL);
    // About a minute of captures (~28/s) waited in the outbox while the upstream was away.
    expect(depthBeforeRestart).toBeGreaterThan(1400);
    expect(front.logs()).toContain('failed (network error');
    expect(front.logs()).toContain('works again after');
    const [inFront, inUpstream] = [await stored(front.db), await stored(upstream.db)];
    expect(outboxRows(front.db)).toBe(0);
    for (const p of [1, 2, 3, 4]) {
      const sent = inFront.get(p)!;
      const got = inUpstream.get(100 + p)!;
      // Stored in front, and delivered exactly once and in the front's order.
      expect(sent.length).toBe(TOTAL / 4);
      expect(got.map((e) => e.eventId)).toEqual(sent.map((e) => e.eventId));
      // Every item byte as captured; only the header's dsn points upstream.
      const differing = got.filter((e, i) => !afterHeader(e.body).equals(afterHeader(sent[i]!.body)));
      expect(differing.map((e) => e.eventId)).toEqual([]);
      const header = JSON.parse(new TextDecoder().decode(got[0]!.body.subarray(0, got[0]!.body.indexOf(0x0a))));
      expect(header.dsn).toBe(`http://${UP_KEY}@127.0.0.1:${upPort}/${100 + p}`);
    }
    expect(new Set([...inUpstream.values()].flat().map((e) => e.eventId))).toEqual(acknowledged);
  }, 180_000);
});

describe('SIGTERM with a waiting outbox', () => {
  it('exits 0 after the bounded drain, keeps the rest for the next start, and delivers during a drain when it can', async () => {
    const dir = tempDir('ut-fwd-drain-');
    let upstream = await startServer({ db: join(dir, 'up.db') });
    const upPort = upstream.port;
    await upstream.stop('SIGTERM');
    const args = ['--forward', `5=http://${UP_KEY}@127.0.0.1:${upPort}/55`, '--forward-mode', '5=forward', '--drain-timeout', '2s'];
    const post = async (server: ServerHandle, ids: string[]) => {
      for (const eventId of ids) expect((await fetch(`${server.url}/api/5/envelope/`, { method: 'POST', body: envelope(eventId, 5, server.port, true) })).status).toBe(200);
    };
    const batch = (prefix: string) => Array.from({ length: 10 }, (_, i) => `${prefix}${i.toString(16).padStart(31, '0')}`);

    // Upstream down: the drain gives up within its bound and exits 0; forward mode stored nothing else.
    let front = await startServer({ db: join(dir, 'front.db'), args });
    await post(front, batch('a'));
    await Bun.sleep(1500);
    let stopping = Date.now();
    expect(await front.stop('SIGTERM')).toBe(0);
    expect(Date.now() - stopping).toBeLessThan(2000 + 3000);
    expect(outboxRows(front.db)).toBe(10);
    expect((await stored(front.db)).size).toBe(0);
    expect(front.logs()).toContain('outbox: 10 row(s) left for the next start');

    // The next start resumes delivery.
    upstream = await startServer({ db: join(dir, 'up.db'), args: ['--port', String(upPort)] });
    front = await startServer({ db: join(dir, 'front.db'), args });
    expect(front.logs()).toContain('outbox: 10 row(s) waiting from an earlier run; delivering');
    await waitForEmptyOutbox(front, 15_000);

    // Rows backing off while the upstream is down are delivered by the drain once it is back.
    expect(await upstream.stop('SIGTERM')).toBe(0);
    await post(front, batch('b'));
    await Bun.sleep(3500);
    upstream = await startServer({ db: join(dir, 'up.db'), args: ['--port', String(upPort)] });
    stopping = Date.now();
    expect(await front.stop('SIGTERM')).toBe(0);
    expect(Date.now() - stopping).toBeLessThan(2000 + 3000);
    expect(outboxRows(front.db)).toBe(0);
    expect(await upstream.stop('SIGTERM')).toBe(0);
    expect((await stored(upstream.db)).get(55)!.map((e) => e.eventId)).toEqual([...batch('a'), ...batch('b')]);
  }, 90_000);
});

describe('forwarding into itself', () => {
  it('refuses at start an upstream that is its own capture address, exit 2, storing nothing', async () => {
    const [port] = freePorts() as [number];
    const db = join(tempDir('ut-fwd-self-'), 'self.db');
    // This machine's own name too, where it names the loopback address (as in Debian's /etc/hosts).
    const named = (await lookup(hostname()).catch(() => null))?.address.startsWith('127.') ? [hostname()] : [];
    for (const host of ['127.0.0.1', 'localhost.', '0.0.0.0', ...named]) {
      const out = await runUndertaker(['serve', '--port', String(port), '--db', db, '--forward', `1=http://${UP_KEY}@${host}:${port}/1`]);
      expect(out.code).toBe(2);
      expect(out.stdout).toBe('');
      expect(out.stderr).toContain('refusing to forward project 1');
      expect(out.stderr).toContain('forwarded again without end');
    }
    await expect(fetch(`http://127.0.0.1:${port}/health`)).rejects.toThrow();
    // The refused start created the database: nothing is left of it.
    expect(existsSync(db)).toBe(false);
  });

  it('warns when another serve writes into the same database, and only one of them forwards', async () => {
    const dir = tempDir('ut-fwd-two-');
    const upstream = await startServer({ db: join(dir, 'up.db') });
    const forward = ['--forward', `1=http://${UP_KEY}@127.0.0.1:${upstream.port}/5`];
    const a = await startServer({ db: join(dir, 'front.db'), args: forward });
    const b = await startServer({ db: join(dir, 'front.db'), args: forward });
    await Bun.sleep(300);
    expect(b.logs()).toContain('another undertaker serve');
    const ids = Array.from({ length: 60 }, (_, i) => `${(i + 1).toString(16).padStart(8, '0')}${'c'.repeat(24)}`);
    await Promise.all(ids.map((eventId, i) => fetch(`${(i % 2 ? a : b).url}/api/1/envelope/`, { method: 'POST', body: envelope(eventId, 1, a.port, false) })));
    const deadline = Date.now() + 30_000;
    while ((await outboxDepth(a)) + (await outboxDepth(b)) > 0 && Date.now() < deadline) await Bun.sleep(200);
    await Bun.sleep(500);
    const arrived = (await stored(upstream.db)).get(5)?.map((e) => e.eventId) ?? [];
    expect(arrived.length).toBe(ids.length);
    expect(new Set(arrived).size).toBe(ids.length);
    await Promise.all([a.stop(), b.stop(), upstream.stop()]);
  }, 60_000);
});

describe('forwarding between two Undertakers that forward to each other', () => {
  it('stores each capture once on each side: the way back is refused, not looped', async () => {
    const [pa, pb] = freePorts(2) as [number, number];
    const dir = tempDir('ut-fwd-mutual-');
    const a = await startServer({ db: join(dir, 'a.db'), args: ['--port', String(pa), '--forward', `1=http://${UP_KEY}@127.0.0.1:${pb}/1`] });
    const b = await startServer({ db: join(dir, 'b.db'), args: ['--port', String(pb), '--forward', `1=http://${UP_KEY}@127.0.0.1:${pa}/1`] });
    const eventId = 'abcdef0123456789abcdef0123456789';
    expect((await fetch(`${a.url}/api/1/envelope/`, { method: 'POST', body: envelope(eventId, 1, pa, false) })).status).toBe(200);
    // Wait until both outboxes are empty of waiting rows (the way back is set aside).
    const deadline = Date.now() + 20_000;
    const health = async (s: ServerHandle) => ((await (await fetch(`${s.url}/health`)).json()) as { outbox: { depth: number; parked: number } }).outbox;
    while (Date.now() < deadline) {
      const [ha, hb] = [await health(a), await health(b)];
      if (ha.depth === ha.parked && hb.depth === hb.parked && hb.parked === 1) break;
      await Bun.sleep(200);
    }
    await Bun.sleep(500);
    await Promise.all([a.stop(), b.stop()]);
    const [inA, inB] = [(await stored(a.db)).get(1) ?? [], (await stored(b.db)).get(1) ?? []];
    expect(inA.map((e) => e.eventId)).toEqual([eventId]);
    expect(inB.map((e) => e.eventId)).toEqual([eventId]);
    expect(b.logs()).toContain('refused for good');
  }, 60_000);
});
