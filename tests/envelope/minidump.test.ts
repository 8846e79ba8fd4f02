import { describe, expect, it } from 'bun:test';
import * as zlib from 'node:zlib';
import { crashEventJson, minidumpEnvelope, readFormData, writeFormData } from '../../src/envelope/minidump.ts';
import { decodeMsgpack, MsgpackError } from '../../src/envelope/msgpack.ts';
import { boundaryFromContentType, leadingBoundary, parseMultipart } from '../../src/envelope/multipart.ts';
import { summarizeEnvelope } from '../../src/envelope/summarize.ts';
import { BadRequestError } from '../../src/shared/errors.ts';
import { bytesOf } from './fixtures/cases.ts';
import { BOUNDARY, DUMP, multipart, MULTIPART_CT, msgpack } from './fixtures/crash-upload.ts';

const EVENT_ID = '5b2a9c1f0e3d4a6b8c7d9e0f1a2b3c4d';
const ASSIGNED = { assigned_event_id: 'ffffffffffffffffffffffffffffffff' };
const text = (b: Uint8Array) => new TextDecoder().decode(b);

function badRequest(fn: () => unknown): { detail: string; causes: string[] } {
  try {
    fn();
  } catch (error) {
    if (error instanceof BadRequestError) return { detail: error.message, causes: error.causes };
    throw error;
  }
  throw new Error('expected a BadRequestError');
}

describe('multipart reader', () => {
  it('reads the boundary from a Content-Type, quoted or not', () => {
    expect(boundaryFromContentType(`multipart/form-data; boundary=${BOUNDARY}`)).toBe(BOUNDARY);
    expect(boundaryFromContentType('multipart/form-data; charset=utf-8; boundary="a b;c"')).toBe('a b;c');
    expect(boundaryFromContentType('multipart/form-data')).toBeNull();
  });

  it('keeps binary part bytes, names, filenames and part content types', () => {
    const body = multipart([
      { name: 'a', value: 'one' },
      { name: 'f', filename: 'x.bin', data: bytesOf([0x00, 0x0d, 0x0a, 0x2d, 0x2d, 0xff]), contentType: 'application/x-thing' },
    ]);
    const parts = parseMultipart(body, BOUNDARY);
    expect(parts.map((p) => [p.name, p.filename, p.contentType])).toEqual([
      ['a', null, null],
      ['f', 'x.bin', 'application/x-thing'],
    ]);
    expect(text(parts[0]!.data)).toBe('one');
    expect([...parts[1]!.data]).toEqual([0x00, 0x0d, 0x0a, 0x2d, 0x2d, 0xff]);
  });

  it('refuses a body without the closing boundary', () => {
    const body = multipart([{ name: 'a', value: 'one' }]).subarray(0, -(BOUNDARY.length + 6));
    expect(badRequest(() => parseMultipart(body, BOUNDARY))).toEqual({ detail: 'invalid multipart data', causes: ['the body ends before the closing boundary'] });
  });

  it('finds the boundary a nested body starts with', () => {
    expect(leadingBoundary(bytesOf('\r\n--inner\r\nrest'))).toBe('inner');
    expect(leadingBoundary(DUMP)).toBeNull();
  });
});

describe('msgpack decoder', () => {
  it('decodes maps, arrays, strings, numbers, booleans and nil', () => {
    const value = { event_id: EVENT_ID, level: 'fatal', n: 300000, f: 1.5, ok: true, none: null, list: [1, 'two'] };
    expect(decodeMsgpack(msgpack(value))).toEqual(value);
  });

  it('rejects truncated input and trailing bytes', () => {
    const bytes = msgpack({ event_id: EVENT_ID });
    expect(() => decodeMsgpack(bytes.subarray(0, 10))).toThrow(MsgpackError);
    expect(() => decodeMsgpack(bytesOf(bytes, [0xc0]))).toThrow('1 trailing bytes after the value');
  });

  it('keeps a __proto__ key as data', () => {
    const crafted = bytesOf([0x81, 0xa9], '__proto__', [0x81, 0xa1], 'x', [0x01]);
    const value = decodeMsgpack(crafted) as Record<string, unknown>;
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.keys(value)).toEqual(['__proto__']);
  });
});

describe('minidumpEnvelope', () => {
  it('turns a Crashpad upload into attachments plus one form_data item, as Relay does', () => {
    const body = multipart([
      { name: 'sentry', value: JSON.stringify({ event_id: EVENT_ID, release: 'app@2' }) },
      { name: 'upload_file_minidump', filename: 'crash.dmp', data: DUMP },
      { name: 'attachment', filename: 'app.log', data: 'log line\n', contentType: 'text/plain' },
      { name: 'sentry[tags][os]', value: 'linux' },
    ]);
    const env = minidumpEnvelope(body, { 'content-type': MULTIPART_CT, ...ASSIGNED });
    expect(env.header).toEqual({ event_id: EVENT_ID });
    expect(env.items.map((item) => item.header)).toEqual([
      { type: 'attachment', length: DUMP.length, attachment_type: 'event.minidump', content_type: 'application/x-dmp', filename: 'crash.dmp' },
      { type: 'attachment', length: 9, attachment_type: 'event.attachment', content_type: 'text/plain', filename: 'app.log' },
      { type: 'form_data', length: env.items[2]!.payload.length, content_type: 'text/plain' },
    ]);
    expect(env.items[0]!.payload).toEqual(DUMP);
    expect(readFormData(env.items[2]!.payload)).toEqual([
      ['sentry', `{"event_id":"${EVENT_ID}","release":"app@2"}`],
      ['sentry[tags][os]', 'linux'],
    ]);
    expect(crashEventJson(env)).toEqual({ event_id: EVENT_ID, release: 'app@2', tags: { os: 'linux' } });
  });

  it('unpacks a gzip-compressed dump and strips .gz from its filename', () => {
    const body = multipart([{ name: 'upload_file_minidump', filename: 'crash.dmp.gz', data: zlib.gzipSync(DUMP) }]);
    const env = minidumpEnvelope(body, { 'content-type': MULTIPART_CT, ...ASSIGNED });
    expect(env.items[0]!.payload).toEqual(DUMP);
    expect(env.items[0]!.header.filename).toBe('crash.dmp');
    expect(env.header).toEqual({ event_id: ASSIGNED.assigned_event_id });
  });

  it('takes the event id and summary from a msgpack __sentry-event and types breadcrumb files', () => {
    const event = { event_id: EVENT_ID, platform: 'native', release: 'game@1.0', level: 'fatal', sdk: { name: 'sentry.native', version: '0.7.0' } };
    const body = multipart([
      { name: '__sentry-event', filename: '__sentry-event', data: msgpack(event) },
      { name: '__sentry-breadcrumb1', filename: '__sentry-breadcrumb1', data: msgpack([{ message: 'a' }]) },
      { name: 'upload_file_minidump', filename: 'minidump.dmp', data: DUMP },
    ]);
    const env = minidumpEnvelope(body, { 'content-type': MULTIPART_CT, ...ASSIGNED });
    expect(env.header.event_id).toBe(EVENT_ID);
    expect(env.items.map((item) => item.header.attachment_type)).toEqual(['event.payload', 'event.breadcrumbs', 'event.minidump']);
    expect(summarizeEnvelope(env)).toMatchObject({ eventId: EVENT_ID, mainType: 'error', platform: 'native', release: 'game@1.0', sdkName: 'sentry.native', title: 'Minidump' });
  });

  it('reads sentry[event_id] when there is no sentry JSON field', () => {
    const body = multipart([{ name: 'sentry[event_id]', value: EVENT_ID.toUpperCase() }, { name: 'upload_file_minidump', filename: 'm', data: DUMP }]);
    expect(minidumpEnvelope(body, { 'content-type': MULTIPART_CT, ...ASSIGNED }).header).toEqual({ event_id: EVENT_ID });
  });

  it('unwraps the nested multipart body old Electron SDKs send in the minidump field', () => {
    const inner = multipart([{ name: 'upload_file_minidump', filename: 'inner.dmp', data: DUMP }], 'inner-boundary');
    const body = multipart([{ name: 'upload_file_minidump', filename: 'outer.dmp', data: inner }]);
    const env = minidumpEnvelope(body, { 'content-type': MULTIPART_CT, ...ASSIGNED });
    expect(env.items[0]!.payload).toEqual(DUMP);
  });

  it('stores a raw application/octet-stream or application/x-dmp body as the attachment "Minidump"', () => {
    for (const contentType of ['application/octet-stream', 'application/x-dmp']) {
      const env = minidumpEnvelope(DUMP, { 'content-type': contentType, ...ASSIGNED });
      expect(env.items.map((item) => item.header)).toEqual([{ type: 'attachment', length: DUMP.length, attachment_type: 'event.minidump', content_type: 'application/x-dmp', filename: 'Minidump' }]);
    }
  });

  it.each([
    ['a dump without MDMP/PMDM magic', multipart([{ name: 'upload_file_minidump', filename: 'm', data: 'not a dump' }]), { detail: 'invalid minidump', causes: ['the minidump does not start with MDMP or PMDM'] }],
    ['a form without upload_file_minidump', multipart([{ name: 'other', filename: 'm', data: DUMP }]), { detail: 'missing minidump', causes: ['no file field named "upload_file_minidump"'] }],
    ['an xz container', multipart([{ name: 'upload_file_minidump', filename: 'm.xz', data: bytesOf([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00, 1]) }]), { detail: 'invalid compression container', causes: ['xz and bzip2 minidump containers are not supported by Undertaker; send the dump plain, gzip or zstd'] }],
  ])('refuses %s with Relay\'s 400 detail', (_name, body, expected) => {
    expect(badRequest(() => minidumpEnvelope(body, { 'content-type': MULTIPART_CT }))).toEqual(expected);
  });

  it('refuses a __sentry-event that is not msgpack', () => {
    const body = multipart([{ name: '__sentry-event', filename: 'e', data: bytesOf([0xc1]) }, { name: 'upload_file_minidump', filename: 'm', data: DUMP }]);
    expect(badRequest(() => minidumpEnvelope(body, { 'content-type': MULTIPART_CT })).detail).toBe('invalid messagepack data');
  });

  it('writes and reads form_data entries with u32 little-endian lengths', () => {
    const payload = writeFormData([['k', 'v'], ['ünï', '']]);
    expect([...payload.subarray(0, 10)]).toEqual([1, 0, 0, 0, 0x6b, 1, 0, 0, 0, 0x76]);
    expect(readFormData(payload)).toEqual([['k', 'v'], ['ünï', '']]);
  });
});
