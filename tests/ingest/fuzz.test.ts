// Bounded fuzzing of every capture endpoint: ~2000 mutated, truncated and random requests from a fixed
// seed, in-process. Every answer must be a Relay-style status (200/202, or 400/413/415 with a JSON
// detail), every stored row must still convert to an envelope, and the app must stay healthy.
import { describe, expect, it } from 'bun:test';
import * as zlib from 'node:zlib';
import { envelopeFromStored } from '../../src/envelope/stored.ts';
import { DUMP, multipart, MULTIPART_CT, msgpack } from '../envelope/fixtures/crash-upload.ts';
import { createTestApp, EVENT_ID, KEY } from '../helpers/app.ts';

const CASES = 2000;
const SEED = 0x5eed;

/** mulberry32: small, fast and reproducible. */
function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  return { int, pick: <T>(list: readonly T[]) => list[int(list.length)]! };
}

const ENVELOPES = [
  `{"event_id":"${EVENT_ID}","sent_at":"2026-01-01T00:00:00Z","sdk":{"name":"sentry.python","version":"2.0.0"}}\n{"type":"event","length":41}\n{"message":"hello","exception":{"values":[]}\n{"type":"attachment","length":4,"filename":"a.bin"}\n\u0000\u00ff\n\n`,
  `{"event_id":"${EVENT_ID}"}\n{"type":"transaction"}\n{"type":"transaction","start_timestamp":1.5,"timestamp":2,"contexts":{"trace":{"trace_id":"4bf92f3577b34da6a3ce929d0e0e4736","span_id":"b0e6f15b45c36b12"}},"spans":[]}\n{"type":"profile"}\n{"event_id":"0af7651916cd43dd8448eb211c80319c"}\n`,
  '{}\n{"type":"session"}\n{"sid":"x","status":"ok","attrs":{"release":"r"}}\n{"type":"client_report"}\n{"discarded_events":[]}\n{"type":"log","item_count":1,"content_type":"application/vnd.sentry.items.log+json"}\n{"items":[{"trace_id":"t","body":"b"}]}\n',
  `{"event_id":"${EVENT_ID}"}\n{"type":"replay_event"}\n{"replay_id":"${EVENT_ID}","segment_id":0}\n{"type":"replay_recording","length":19}\n{"segment_id":0}\n\u0078\u009c\n`,
];

function mutate(rand: ReturnType<typeof prng>, input: Uint8Array): Uint8Array {
  const out = Array.from(input);
  const edits = 1 + rand.int(4);
  for (let e = 0; e < edits; e++) {
    const at = rand.int(out.length + 1);
    switch (rand.int(6)) {
      case 0: out.length = at; break; // truncate
      case 1: if (at < out.length) out[at] = rand.int(256); break; // flip a byte
      case 2: out.splice(at, 0, ...Array.from({ length: 1 + rand.int(8) }, () => rand.pick([0x0a, 0x0d, 0x7b, 0x7d, 0x22, 0x3a, 0x30, 0xff, rand.int(256)]))); break;
      case 3: out.splice(at, 1 + rand.int(16)); break; // delete a run
      case 4: out.splice(at, 0, ...out.slice(rand.int(out.length), rand.int(out.length))); break; // duplicate a run
      default: { // change a declared length
        const text = new TextDecoder('latin1').decode(Uint8Array.from(out)).replace(/"length":\d+/, `"length":${rand.int(50)}`);
        return Uint8Array.from(text, (c) => c.charCodeAt(0));
      }
    }
  }
  return Uint8Array.from(out);
}

function randomBytes(rand: ReturnType<typeof prng>): Uint8Array {
  return Uint8Array.from({ length: rand.int(300) }, () => rand.int(256));
}

interface Case {
  path: string;
  method: string;
  headers: Record<string, string>;
  body?: Uint8Array;
}

function makeCase(rand: ReturnType<typeof prng>): Case {
  const kind = rand.int(10);
  const maybe = (b: Uint8Array) => (rand.int(2) ? mutate(rand, b) : b);
  const enc = (s: string) => new TextEncoder().encode(s);
  if (kind <= 3) {
    // Some envelopes carry an attachment over the fuzz app's 8 KiB attachment limit.
    const big = rand.int(6) === 0 ? `{"type":"attachment","length":9000}\n${'a'.repeat(9000)}\n` : '';
    const body = rand.int(8) === 0 ? randomBytes(rand) : mutate(rand, enc(rand.pick(ENVELOPES) + big));
    const gzip = rand.int(5) === 0;
    return { path: rand.pick(['/api/1/envelope/', `/api/1/envelope/?sentry_key=${KEY}`, '/tunnel', '/x/api/2/store/']), method: 'POST', headers: { ...(gzip ? { 'content-encoding': rand.pick(['gzip', 'br', 'deflate', 'zstd', 'bogus']) } : {}), 'content-type': rand.pick(['text/plain', 'application/x-sentry-envelope']) }, body: gzip ? maybe(zlib.gzipSync(body)) : body };
  }
  if (kind === 4) return { path: '/api/1/store/', method: 'POST', headers: {}, body: maybe(enc(rand.pick([`{"event_id":"${EVENT_ID}","message":"m","extra":{"v":NaN}}`, Buffer.from(zlib.deflateSync(enc('{"message":"z"}'))).toString('base64')]))) };
  if (kind === 5) {
    const form = multipart([{ name: 'sentry', value: '{"release":"r"}' }, { name: '__sentry-event', filename: 'e', data: msgpack({ event_id: EVENT_ID }) }, { name: 'upload_file_minidump', filename: 'm.dmp.gz', data: rand.int(2) ? zlib.gzipSync(DUMP) : DUMP }]);
    return { path: '/api/1/minidump/', method: 'POST', headers: { 'content-type': rand.pick([MULTIPART_CT, 'application/octet-stream', 'multipart/form-data']) }, body: maybe(form) };
  }
  if (kind === 6) return { path: rand.pick(['/api/1/security/', '/api/1/csp-report/', '/api/1/nel/']), method: 'POST', headers: { 'content-type': rand.pick(['application/csp-report', 'application/reports+json', 'application/json', 'text/html']) }, body: maybe(enc(rand.pick(['{"csp-report":{"blocked-uri":"x"}}', '[{"type":"network-error","body":{}}]']))) };
  if (kind === 7) return { path: `/api/1/unreal/${KEY}/`, method: 'POST', headers: {}, body: rand.int(4) ? randomBytes(rand) : new Uint8Array(0) };
  if (kind === 8) {
    const query = rand.pick(['status=ok', 'status=error&duration=x', 'check_in_id=nope&status=ok', '', 'status=in_progress&duration=1e309']);
    return rand.int(2) ? { path: `/api/1/cron/job/${KEY}/?${query}`, method: 'GET', headers: {} } : { path: `/api/1/cron/job/?${query}`, method: 'POST', headers: { 'content-type': 'application/json' }, body: maybe(enc('{"status":"ok","check_in_id":"0123456789abcdef0123456789abcdef"}')) };
  }
  if (rand.int(2)) return { path: `/api/1/store/?sentry_data=${encodeURIComponent(new TextDecoder().decode(mutate(rand, enc('{"message":"beacon"}'))))}`, method: 'GET', headers: {} };
  return { path: rand.pick(['/api/x/envelope/', '/api/1/envelope/', '/api/1/store/']), method: 'POST', headers: {}, body: randomBytes(rand) };
}

describe('fuzzed capture requests', () => {
  it(`answers ${CASES} mutated and random requests with Relay statuses and JSON details, never crashing`, async () => {
    const app = await createTestApp({ maxEnvelopeBytes: 64 * 1024, limits: { maxAttachmentSize: 8 * 1024, maxEventSize: 4 * 1024 } });
    const rand = prng(SEED);
    const statuses = new Map<number, number>();
    for (let i = 0; i < CASES; i++) {
      const c = makeCase(rand);
      const body = c.method === 'GET' ? undefined : (c.body as Uint8Array<ArrayBuffer> | undefined);
      const res = await app.request(c.path, { method: c.method, headers: c.headers, body });
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      const label = `case ${i}: ${c.method} ${c.path} → ${res.status}`;
      if (res.status >= 400) {
        expect([400, 413, 415], label).toContain(res.status);
        const json = (await res.json()) as { detail: unknown; causes: unknown };
        expect(typeof json.detail, label).toBe('string');
        expect(Array.isArray(json.causes ?? []), label).toBe(true);
      } else {
        expect([200, 202], label).toContain(res.status);
        await res.arrayBuffer();
      }
    }
    // Every kind of answer actually happened, so the generator reaches each path.
    for (const status of [200, 202, 400, 413, 415]) expect(statuses.get(status) ?? 0, `status ${status}`).toBeGreaterThan(5);
    expect(app.logs.filter((l) => l.startsWith('error'))).toEqual([]);
    for await (const record of app.store.iterateEnvelopes({})) {
      expect(() => envelopeFromStored(record.endpoint, record.body, record.requestMeta), `row ${record.id}`).not.toThrow();
    }
    expect((await app.request('/health')).status).toBe(200);
  }, 60_000);
});
