// Field cases that need a real `undertaker serve` process (shared/docs/field-cases.md): F06 (chunked
// framing over a raw socket) and F24 (larger bodies, an over-limit gzip body, a compression bomb).
import { afterAll, describe, expect, it } from 'bun:test';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as zlib from 'node:zlib';
import { openStore } from '../../src/store/index.ts';
import { EVENT_ID, sha256, SIMPLE_ENVELOPE } from '../helpers/app.ts';
import { startServer, stopAll, TEST_KEY, tempDir } from '../helpers/spawn.ts';

afterAll(stopAll);

const MB = 1_000_000;
const AUTH = { 'x-sentry-auth': `Sentry sentry_key=${TEST_KEY}, sentry_version=7, sentry_client=sentry.php/2.1.0` };

async function storedBody(db: string, id: number): Promise<Uint8Array | null> {
  const store = await openStore({ dialect: 'sqlite', path: db });
  try {
    return (await store.getEnvelope(id))?.body ?? null;
  } finally {
    await store.close();
  }
}

/** Incompressible, reproducible bytes (xorshift32). */
function noise(size: number, seed: number): Buffer {
  const out = Buffer.allocUnsafe(size);
  let x = seed || 1;
  for (let i = 0; i < size; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

/** Sends raw request bytes and collects the response until the peer closes (or 10 s pass). */
async function rawRequest(port: number, request: Uint8Array): Promise<string> {
  let response = '';
  const { promise, resolve } = Promise.withResolvers<void>();
  const socket = await Bun.connect({ hostname: '127.0.0.1', port, socket: { data: (_s, d) => void (response += new TextDecoder().decode(d)), close: () => resolve(), error: () => resolve() } });
  socket.write(request);
  await Promise.race([promise, Bun.sleep(10_000)]);
  socket.end();
  return response;
}

function chunkedRequest(body: Uint8Array, extraHeaders = ''): Uint8Array {
  const head = `POST /api/42/envelope/ HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\nContent-Encoding: gzip\r\nContent-Type: application/x-sentry-envelope\r\n${extraHeaders}X-Sentry-Auth: ${AUTH['x-sentry-auth']}\r\nConnection: close\r\n\r\n`;
  const half = Math.floor(body.length / 2);
  const chunks = [body.subarray(0, half), body.subarray(half)].flatMap((c) => [Buffer.from(`${c.length.toString(16)}\r\n`), c, Buffer.from('\r\n')]);
  return Buffer.concat([Buffer.from(head), ...chunks, Buffer.from('0\r\n\r\n')]);
}

describe('F06 chunked bodies', () => {
  it('F06 de-chunks, gunzips and stores a chunked body; a stale Content-Length beside chunked never truncates it', async () => {
    const server = await startServer();
    const gzipped = zlib.gzipSync(SIMPLE_ENVELOPE);
    const plain = await rawRequest(server.port, chunkedRequest(gzipped));
    expect(plain).toStartWith('HTTP/1.1 200');
    expect(plain).toContain(`{"id":"${EVENT_ID}"}`);
    const stale = await rawRequest(server.port, chunkedRequest(gzipped, 'Content-Length: 640\r\n'));
    // Chunked framing wins, or the request is refused; never a 200 for a body read by Content-Length.
    if (stale.startsWith('HTTP/1.1 200')) expect(sha256((await storedBody(server.db, 2))!)).toBe(sha256(new TextEncoder().encode(SIMPLE_ENVELOPE)));
    else expect(stale).toStartWith('HTTP/1.1 400');
    expect(sha256((await storedBody(server.db, 1))!)).toBe(sha256(new TextEncoder().encode(SIMPLE_ENVELOPE)));
  });
});

describe('F24 larger bodies', () => {
  it('F24 stores (a) a 50 kB error, (b) a 400 kB replay segment and (c) a 15 MB attachment in full with 200', async () => {
    const server = await startServer();
    const frames = Array.from({ length: 120 }, (_, i) => ({ function: `a${i}`, filename: 'https://cdn.example/app.min.js', lineno: 1, colno: 4000 + i, context_line: 'x'.repeat(300) }));
    const event = JSON.stringify({ event_id: EVENT_ID, exception: { values: [{ type: 'TypeError', value: 'x is undefined', stacktrace: { frames } }] } });
    const recording = Buffer.concat([Buffer.from('{"segment_id":1}\n'), noise(400_000, 1)]);
    const attachment = Buffer.alloc(15 * MB, 0x41);
    const bodies = [
      Buffer.concat([Buffer.from(`{"event_id":"${EVENT_ID}"}\n{"type":"event","length":${Buffer.byteLength(event)}}\n${event}\n`)]),
      Buffer.concat([Buffer.from(`{"event_id":"${EVENT_ID}"}\n{"type":"replay_event"}\n{"replay_id":"${EVENT_ID}","segment_id":1}\n{"type":"replay_recording","length":${recording.length}}\n`), recording, Buffer.from('\n')]),
      Buffer.concat([Buffer.from(`{"event_id":"${EVENT_ID}"}\n{"type":"attachment","length":${attachment.length},"filename":"big.bin"}\n`), attachment, Buffer.from('\n')]),
    ];
    expect(bodies[0]!.length).toBeGreaterThan(9_000);
    expect(bodies[0]!.length).toBeLessThan(60_000);
    expect(bodies[1]!.length).toBeGreaterThan(400_000);
    for (const [index, body] of bodies.entries()) {
      const res = await fetch(`${server.url}/api/42/envelope/`, { method: 'POST', headers: AUTH, body });
      expect([index, res.status, await res.json()]).toEqual([index, 200, { id: EVENT_ID }]);
      expect(sha256((await storedBody(server.db, index + 1))!)).toBe(sha256(body));
    }
  }, 60_000);

  it('F24 answers (d) a 25 MB gzip body over a 20 MB request limit with a prompt 413 JSON, and (e) a gzip bomb with 413 in bounded memory', async () => {
    const dir = tempDir('ut-f24-');
    const limitsFile = join(dir, 'limits.json');
    // Sentry's own edge limits: 20 MB per compressed request; the decoded envelope limit is kept small here.
    writeFileSync(limitsFile, JSON.stringify({ max_request_size: '20MB', max_envelope_size: '32MiB' }));
    const server = await startServer({ args: ['--limits-file', limitsFile] });
    const gzipped = zlib.gzipSync(noise(25 * MB, 2), { level: 1 });
    expect(gzipped.length).toBeGreaterThan(20 * MB);
    const started = Date.now();
    const tooBig = await fetch(`${server.url}/api/42/envelope/`, { method: 'POST', headers: { ...AUTH, 'content-encoding': 'gzip' }, body: gzipped });
    expect(tooBig.status).toBe(413);
    expect(((await tooBig.json()) as { detail: string }).detail).toBe(`request body of ${gzipped.length} bytes exceeds the limit of 20000000 bytes`);
    expect(Date.now() - started).toBeLessThan(5_000);

    // 32 gzip members of 64 MiB of zeros each: ~2 MB on the wire, 2 GiB if fully inflated.
    const member = zlib.gzipSync(Buffer.alloc(64 * 1024 * 1024));
    const bomb = Buffer.concat(Array.from({ length: 32 }, () => member));
    expect(bomb.length).toBeLessThan(3 * MB);
    const res = await fetch(`${server.url}/api/42/envelope/`, { method: 'POST', headers: { ...AUTH, 'content-encoding': 'gzip' }, body: bomb });
    expect(res.status).toBe(413);
    expect(((await res.json()) as { detail: string }).detail).toBe(`request body exceeds ${32 * 1024 * 1024} bytes after gzip decompression`);
    // Peak resident memory of the server stays near the 32 MiB cap instead of the bomb's 2 GiB.
    const peakKiB = Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${server.proc.pid}/status`, 'utf8'))?.[1]);
    expect(peakKiB).toBeLessThan(300 * 1024);
    expect((await fetch(`${server.url}/health`)).status).toBe(200);
  }, 60_000);
});
