import { describe, expect, it } from 'bun:test';
import { checkEnvelopeLimits, DEFAULT_ENVELOPE_LIMITS, limitViolationDetail } from '../../src/envelope/limits.ts';
import { parseEnvelope } from '../../src/envelope/parse.ts';
import { isNelMime, isSecurityMime } from '../../src/envelope/reports.ts';
import { serializeEnvelope } from '../../src/envelope/serialize.ts';
import { envelopeFromStored } from '../../src/envelope/stored.ts';
import type { Envelope } from '../../src/envelope/types.ts';
import { BadRequestError } from '../../src/shared/errors.ts';
import { bytesOf } from './fixtures/cases.ts';

const ID = 'ffffffffffffffffffffffffffffffff';
const text = (b: Uint8Array) => new TextDecoder().decode(b);
const enc = (s: string) => new TextEncoder().encode(s);

describe('envelopeFromStored for non-envelope endpoints', () => {
  it('wraps a security report as one raw_security item with release and environment headers', () => {
    const report = '{"csp-report":{"document-uri":"https://app.example/","blocked-uri":"https://evil.example/x.js"}}';
    const env = envelopeFromStored('security', enc(report), { assigned_event_id: ID, query: 'sentry_key=k&sentry_release=web%401.2&sentry_environment=prod' });
    expect(text(serializeEnvelope(env))).toBe(
      `{"event_id":"${ID}"}\n{"type":"raw_security","length":${report.length},"content_type":"application/json","sentry_release":"web@1.2","sentry_environment":"prod"}\n${report}\n`,
    );
  });

  it('splits a NEL batch into one nel item per report, each report\'s JSON text kept', () => {
    const body = '[ {"type":"network-error", "age":1.0,"body":{"type":"tcp.reset"}} ,{"type":"network-error","url":"https://a.example/[x]","body":{"s":"}],{"}}]';
    const env = envelopeFromStored('nel', enc(body), { assigned_event_id: ID });
    expect(env.items.map((item) => text(item.payload))).toEqual([
      '{"type":"network-error", "age":1.0,"body":{"type":"tcp.reset"}}',
      '{"type":"network-error","url":"https://a.example/[x]","body":{"s":"}],{"}}',
    ]);
    expect(env.items.map((item) => item.header.type)).toEqual(['nel', 'nel']);
  });

  it('wraps an Unreal crash as one opaque unreal_report item with the UserID header', () => {
    const body = bytesOf([0x1f, 0x8b, 0x00, 0xff]);
    const env = envelopeFromStored('unreal', body, { assigned_event_id: ID, query: 'UserID=player-7' });
    expect(env.header).toEqual({ event_id: ID, unreal_user_id: 'player-7' });
    expect(env.items[0]!.header).toEqual({ type: 'unreal_report', length: 4, content_type: 'application/octet-stream' });
    expect(env.items[0]!.payload).toEqual(body);
  });

  it('builds a check-in from query parameters, with the nil id when none is given', () => {
    const env = envelopeFromStored('cron', new Uint8Array(0), { assigned_event_id: ID, monitor_slug: 'nightly', query: 'status=error&duration=1.25&environment=prod' });
    expect(JSON.parse(text(env.items[0]!.payload))).toEqual({ check_in_id: '00000000000000000000000000000000', monitor_slug: 'nightly', status: 'error', environment: 'prod', duration: 1.25 });
  });

  it('builds a check-in from a JSON body, the slug always from the path', () => {
    const body = '{"check_in_id":"0123456789abcdef0123456789abcdef","monitor_slug":"other","status":"ok","monitor_config":{"schedule":{"type":"crontab","value":"0 * * * *"}}}';
    const env = envelopeFromStored('cron', enc(body), { monitor_slug: 'nightly', 'content-type': 'application/json; charset=utf-8' });
    expect(env.header).toEqual({});
    expect(JSON.parse(text(env.items[0]!.payload))).toEqual({ ...JSON.parse(body), monitor_slug: 'nightly' });
  });

  it.each([
    ['a query check-in without status', 'cron', '', { monitor_slug: 's' }, 'invalid query string', ['missing field `status`']],
    ['a JSON check-in that is not an object', 'cron', '[1]', { monitor_slug: 's', 'content-type': 'application/json' }, 'invalid JSON data', ['a check-in must be a JSON object']],
    ['a NEL body that is not an array', 'nel', '{"type":"network-error"}', {}, 'invalid JSON data', ['a Reporting API body must be a JSON array of reports']],
    ['an empty security report', 'security', '', {}, 'empty request body', []],
    ['an empty Unreal report', 'unreal', '', {}, 'empty request body', []],
  ])('refuses %s with Relay\'s 400', (_name, endpoint, body, meta, detail, causes) => {
    let error: unknown;
    try {
      envelopeFromStored(endpoint, enc(body), meta);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(BadRequestError);
    expect({ detail: (error as BadRequestError).message, causes: (error as BadRequestError).causes }).toEqual({ detail, causes });
  });

  it('gives a store event without event_id the id assigned at capture', () => {
    const env = envelopeFromStored('store', enc('{"message":"hi"}'), { assigned_event_id: ID });
    expect(env.header).toEqual({ event_id: ID });
  });

  it('accepts exactly Relay\'s security and NEL media types', () => {
    expect(['application/csp-report', 'application/json; charset=utf-8', 'application/expect-ct-report+json', 'application/expect-staple-report', 'Application/CSP-Report'].map(isSecurityMime)).toEqual([true, true, true, true, true]);
    expect(['application/reports+json', 'text/plain', ''].map(isSecurityMime)).toEqual([false, false, false]);
    expect(['application/reports+json', 'application/json', 'application/csp-report'].map(isNelMime)).toEqual([true, true, false]);
  });
});

describe('checkEnvelopeLimits', () => {
  // Only byte lengths matter here, so payloads are stand-ins rather than hundreds of MiB of zeros.
  const item = (header: Record<string, unknown>, size: number) => ({ header, payload: { byteLength: size } as Uint8Array });
  const check = (items: Envelope['items'], over: Partial<typeof DEFAULT_ENVELOPE_LIMITS> = {}) =>
    checkEnvelopeLimits({ header: {}, items }, { ...DEFAULT_ENVELOPE_LIMITS, ...over })?.type ?? null;

  it('names the first offending item as Relay does', () => {
    expect(check([item({ type: 'event' }, 1024 * 1024 + 1)])).toBe('event');
    expect(check([item({ type: 'event' }, 10), item({ type: 'transaction' }, 10)])).toBe('transaction');
    expect(check([item({ type: 'feedback' }, 10), item({ type: 'raw_security' }, 10)])).toBe('raw_security');
    expect(check([item({ type: 'feedback' }, 2 * 1024 * 1024)])).toBe('user_report_v2');
    expect(check([item({ type: 'attachment', attachment_type: 'event.minidump' }, 101)], { maxAttachmentSize: 100 })).toBe('attachment:minidump');
    expect(check(Array.from({ length: 31 }, () => item({ type: 'attachment' }, 1)))).toBe('attachment:attachment');
    expect(check(Array.from({ length: 101 }, () => item({ type: 'session' }, 1)))).toBe('session');
    expect(check([item({ type: 'check_in' }, 100 * 1024 + 1)])).toBe('check_in');
    expect(check([item({ type: 'check_in' }, 1), item({ type: 'check_in' }, 1)])).toBe('check_in');
    expect(check([item({ type: 'profile' }, 50 * 1024 * 1024 + 1)])).toBe('profile');
    expect(check([item({ type: 'replay_recording' }, 10 * 1024 * 1024 + 1)])).toBe('replay_recording');
    expect(check(Array.from({ length: 101 }, () => item({ type: 'client_report' }, 1)))).toBe('client_report');
    expect(check(Array.from({ length: 26 }, () => item({ type: 'span' }, 1)))).toBe('span');
  });

  it('checks containers per entry on average and by total container size', () => {
    const log = (count: number, size: number) => item({ type: 'log', item_count: count, content_type: 'application/vnd.sentry.items.log+json' }, size);
    expect(check([log(10, 12 * 1024 * 1024)])).toBeNull();
    expect(check([log(1, 3 * 1024 * 1024)])).toBe('log');
    expect(check([log(100, 13 * 1024 * 1024)])).toBe('log');
  });

  it('leaves unknown item types unlimited and passes an envelope within limits', () => {
    expect(check([item({ type: 'some_future_type' }, 300 * 1024 * 1024)])).toBeNull();
    expect(check([item({ type: 'event' }, 10), item({ type: 'attachment' }, 10), item({ type: 'session' }, 10)])).toBeNull();
  });

  it('words the 413 detail like Relay', () => {
    expect(limitViolationDetail({ type: 'event', reason: '' })).toBe("envelope exceeded size limits for type 'event' (https://develop.sentry.dev/sdk/envelopes/#size-limits)");
  });

  it('applies to a parsed envelope', () => {
    const env = parseEnvelope(bytesOf('{}\n{"type":"event"}\n{}\n{"type":"event"}\n{}\n'));
    expect(checkEnvelopeLimits(env, DEFAULT_ENVELOPE_LIMITS)).toEqual({ type: 'event', reason: 'event item: more event items than allowed in one envelope' });
  });
});
