// Relay's per-item limits at the HTTP level (413 with Relay's detail, nothing stored, logged once),
// and their configuration as validated by parseLimits.
import { describe, expect, it } from 'bun:test';
import * as zlib from 'node:zlib';
import { DEFAULT_LIMITS, parseLimits } from '../../src/ingest/limits.ts';
import { ConfigError } from '../../src/shared/errors.ts';
import { DUMP, multipart, MULTIPART_CT } from '../envelope/fixtures/crash-upload.ts';
import { createTestApp, EVENT_ID } from '../helpers/app.ts';

const MiB = 1024 * 1024;
const HEAD = `{"event_id":"${EVENT_ID}"}\n`;
const item = (type: string, payload: string, extra = '') => `{"type":"${type}","length":${Buffer.byteLength(payload)}${extra}}\n${payload}\n`;
const detail = (type: string) => `envelope exceeded size limits for type '${type}' (https://develop.sentry.dev/sdk/envelopes/#size-limits)`;

async function refused(body: string | Uint8Array, over: Parameters<typeof createTestApp>[0] = {}, path = '/api/1/envelope/', headers: Record<string, string> = {}) {
  const app = await createTestApp(over);
  const res = await app.request(path, { method: 'POST', headers, body: body as Uint8Array<ArrayBuffer> });
  const json = (await res.json()) as { detail: string; causes: string[] };
  expect(await app.store.listEnvelopes({})).toEqual([]);
  expect(app.logs).toHaveLength(1);
  return { status: res.status, ...json };
}

describe('Relay default limits', () => {
  it.each([
    ['an event over 1 MiB', HEAD + item('event', `{"message":"${'x'.repeat(MiB)}"}`), 'event'],
    ['a second event-like item', HEAD + item('event', '{}') + item('feedback', '{}'), 'user_report_v2'],
    ['a transaction next to an event', HEAD + item('event', '{}') + item('transaction', '{}'), 'transaction'],
    ['31 attachments', HEAD + item('attachment', 'a', ',"filename":"a"').repeat(31), 'attachment:attachment'],
    ['101 sessions', HEAD + item('session', '{}').repeat(101), 'session'],
    ['two check-ins', HEAD + item('check_in', '{}').repeat(2), 'check_in'],
    ['a check-in over 100 KiB', HEAD + item('check_in', `{"s":"${'x'.repeat(100 * 1024)}"}`), 'check_in'],
    ['two profiles', HEAD + item('profile', '{}') + item('profile_chunk', '{}'), 'profile_chunk'],
    ['101 client reports', HEAD + item('client_report', '{}').repeat(101), 'client_report'],
    ['two log containers', HEAD + item('log', '{"items":[]}', ',"item_count":0').repeat(2), 'log'],
    ['26 standalone spans', HEAD + item('span', '{}').repeat(26), 'span'],
  ])('answers 413 for %s', async (_name, body, type) => {
    const res = await refused(body);
    expect(res.status).toBe(413);
    expect(res.detail).toBe(detail(type));
    expect(res.causes).toHaveLength(1);
  });

  it('refuses a replay recording over 10 MiB', async () => {
    const res = await refused(HEAD + item('replay_recording', 'x'.repeat(10 * MiB + 1)));
    expect([res.status, res.detail]).toEqual([413, detail('replay_recording')]);
  });

  it('accepts an envelope that reaches every limit exactly', async () => {
    const app = await createTestApp();
    const body = HEAD + item('event', '{}') + item('attachment', 'a', ',"filename":"a"').repeat(30) + item('session', '{}').repeat(100) + item('check_in', '{}') + item('some_future_type', '{}').repeat(200);
    const res = await app.request('/api/1/envelope/', { method: 'POST', body });
    expect(res.status).toBe(200);
    expect((await app.store.listItems(1)).length).toBe(1 + 30 + 100 + 1 + 200);
  });
});

describe('configured limits', () => {
  it('applies limits passed to the app', async () => {
    const res = await refused(HEAD + item('attachment', 'abcdef', ',"filename":"a"'), { limits: { maxAttachmentSize: 5 } });
    expect([res.status, res.detail]).toEqual([413, detail('attachment:attachment')]);
  });

  it('applies the attachment limit to a decompressed minidump (bounded inflate)', async () => {
    const body = multipart([{ name: 'upload_file_minidump', filename: 'm.gz', data: zlib.gzipSync(new Uint8Array([...DUMP, ...new Uint8Array(4096)])) }]);
    const res = await refused(body, { limits: { maxAttachmentSize: 1024 } }, '/api/1/minidump/', { 'content-type': MULTIPART_CT });
    expect([res.status, res.detail]).toEqual([413, detail('attachment:minidump')]);
  });

  it('applies the event limit to store, security and cron bodies', async () => {
    const big = `{"message":"${'x'.repeat(2000)}"}`;
    const over = { limits: { maxEventSize: 1000 } };
    expect((await refused(big, over, '/api/1/store/')).status).toBe(413);
    expect((await refused(big, over, '/api/1/security/', { 'content-type': 'application/json' })).status).toBe(413);
  });
});

describe('parseLimits', () => {
  it('reads Relay key names with byte counts or unit sizes over the defaults', () => {
    const limits = parseLimits({ max_event_size: '2MiB', max_attachment_count: 50, max_check_in_size: '100 KB', max_envelope_size: 1000 }, 'limits.json');
    expect(limits).toEqual({ ...DEFAULT_LIMITS, maxEventSize: 2 * MiB, maxAttachmentCount: 50, maxCheckInSize: 100_000, maxEnvelopeSize: 1000, maxRequestSize: 1000 });
  });

  it('keeps a separate limit for the body as sent', () => {
    expect(parseLimits({ max_request_size: '20MB' }, 'x').maxRequestSize).toBe(20_000_000);
    expect(parseLimits({}, 'x').maxRequestSize).toBe(200 * MiB);
  });

  it('names every bad key and value in one ConfigError', () => {
    let error: unknown;
    try {
      parseLimits({ max_event_sise: 1, max_attachment_count: 'many', max_profile_size: '12 parsecs' }, 'limits.json');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).toStartWith('limits.json: invalid limits');
    expect(message).toContain('max_event_sise');
    expect(message).toContain('max_attachment_count');
    expect(message).toContain('"12 parsecs" is not a size');
  });
});
