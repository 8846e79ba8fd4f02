import { describe, expect, it } from 'bun:test';
import { parseEnvelope, parseJsonPayload } from '../../src/envelope/parse.ts';
import type { JsonObject } from '../../src/envelope/types.ts';
import { EnvelopeParseError } from '../../src/shared/errors.ts';
import { bytesOf, F03_CHAR_LENGTH, F21_HEADER_EVENT_ID, INVALID_CASES, readFixture, VALID_CASES } from './fixtures/cases.ts';

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

function parseError(bytes: Uint8Array): EnvelopeParseError {
  try {
    parseEnvelope(bytes);
  } catch (error) {
    if (error instanceof EnvelopeParseError) return error;
    throw error;
  }
  throw new Error('expected parseEnvelope to throw');
}

describe('parseEnvelope on valid input', () => {
  it.each(VALID_CASES)('parses $name', ({ bytes, types, lengths, endsAtEof }) => {
    const env = parseEnvelope(bytes);
    expect(env.items.map((item) => item.header.type)).toEqual(types);
    expect(env.items.map((item) => item.payload.length)).toEqual(lengths);
    const last = env.items.at(-1);
    expect(last === undefined ? env.headerEndsAtEof === true : last.endsAtEof === true).toBe(endsAtEof);
  });

  it('keeps the F01 replay recording as 1187 binary bytes, exactly as in the file', () => {
    const bytes = readFixture('replay-recording.envelope');
    const recording = parseEnvelope(bytes).items[1];
    expect(recording?.header).toEqual({ type: 'replay_recording', length: 1187 });
    expect(text(recording?.payload.subarray(0, 17) ?? new Uint8Array())).toBe('{"segment_id":3}\n');
    expect([...(recording?.payload.subarray(17, 19) ?? [])]).toEqual([0x78, 0x9c]);
    expect(recording?.payload).toEqual(bytes.subarray(bytes.length - 1187));
  });

  it('keeps binary attachment bytes 00 8B FF C3 and the inner newlines', () => {
    const attachment = parseEnvelope(readFixture('binary-attachment.envelope')).items[1];
    expect([...(attachment?.payload ?? [])]).toEqual([
      0x00, 0x8b, 0xff, 0xc3, 0x0a, 0x0d, 0x0a, 0x89, 0x50, 0x4e, 0x47, 0x00, 0x7b, 0x7d, 0x0a, 0xfe,
    ]);
    expect(attachment?.header.filename).toBe('screenshot.bin');
  });

  it('keeps the BOM and the CR of a 10-byte text attachment (F03 variant 2)', () => {
    const attachment = parseEnvelope(readFixture('bom-crlf-attachment.envelope')).items[0];
    expect([...(attachment?.payload ?? [])]).toEqual([0xef, 0xbb, 0xbf, 0x48, 0x65, 0x6c, 0x6c, 0x6f, 0x0d, 0x0a]);
  });

  it('reads every item of F04, including the attachment with an inner newline', () => {
    const env = parseEnvelope(readFixture('f04-three-items.envelope'));
    expect(text(env.items[1]?.payload ?? new Uint8Array())).toBe(
      '{"event_id":"5b2a9c1f0e3d4a6b8c7d9e0f1a2b3c4d","exception":{"values":[{"type":"Error","value":"boom"}]}}',
    );
    expect(text(env.items[2]?.payload ?? new Uint8Array())).toBe('line1\nline2');
  });

  it('keeps unknown header keys and the exact header bytes', () => {
    const env = parseEnvelope(bytesOf('{"sent_at":"x","x_custom":[1,2]}\n{"type":"some_future_type","k":true}\nabc\n'));
    expect(env.header).toEqual({ sent_at: 'x', x_custom: [1, 2] });
    expect(text(env.rawHeader ?? new Uint8Array())).toBe('{"sent_at":"x","x_custom":[1,2]}');
    expect(env.items[0]?.header).toEqual({ type: 'some_future_type', k: true });
    expect(text(env.items[0]?.rawHeader ?? new Uint8Array())).toBe('{"type":"some_future_type","k":true}');
  });

  it('reads the F21 event id from the envelope header', () => {
    const env = parseEnvelope(F21_HEADER_EVENT_ID);
    expect(env.header.event_id).toBe('7a1b2c3d4e5f60718293a4b5c6d7e8f9');
    expect(parseJsonPayload(env.items[0] ?? { payload: new Uint8Array() })?.event_id).toBe(undefined);
  });

  it('records skipped whitespace before each item and before the envelope header', () => {
    const env = parseEnvelope(bytesOf(' \r\n{}\n\n\r\n {"type":"a","length":0}\n\n\t{"type":"b"}\nx'));
    expect(text(env.leading ?? new Uint8Array())).toBe(' \r\n');
    expect(env.items.map((item) => text(item.leading ?? new Uint8Array()))).toEqual(['\n\r\n ', '\t']);
  });

  it('marks a last item header that ends at EOF, and only that one', () => {
    const atEof = parseEnvelope(bytesOf('{}\n{"type":"attachment","length":0}')).items[0];
    const withNewline = parseEnvelope(bytesOf('{}\n{"type":"attachment","length":0}\n')).items[0];
    expect(atEof).toMatchObject({ endsAtEof: true, headerEndsAtEof: true });
    expect(withNewline?.endsAtEof).toBe(true);
    expect(withNewline?.headerEndsAtEof).toBe(undefined);
  });

  it('does not reject duplicate keys nested inside a header value', () => {
    const env = parseEnvelope(bytesOf('{"sdk":{"name":"a","name":"b"}}\n'));
    expect(env.header).toEqual({ sdk: { name: 'b' } });
  });

  it('parses a Node Buffer into plain Uint8Array parts equal to those of a Uint8Array', () => {
    const bytes = readFixture('binary-attachment.envelope');
    const fromBuffer = parseEnvelope(Buffer.from(bytes));
    expect(fromBuffer).toEqual(parseEnvelope(bytes));
    expect(fromBuffer.items[1]?.payload.constructor).toBe(Uint8Array);
  });

  it('returns payloads that do not share memory with the input', () => {
    const input = bytesOf('{}\n{"type":"attachment","length":3}\nabc\n');
    const payload = parseEnvelope(input).items[0]?.payload;
    input.fill(0);
    expect(text(payload ?? new Uint8Array())).toBe('abc');
    expect(payload?.byteLength).toBe(payload?.buffer.byteLength);
  });
});

describe('parseEnvelope on invalid input', () => {
  it.each(INVALID_CASES)('rejects $name', ({ bytes, reason, offset, message }) => {
    const error = parseError(bytes);
    expect({ reason: error.reason, offset: error.offset, message: error.message }).toEqual({ reason, offset, message });
    expect(error.status).toBe(400);
    expect(error.code).toBe('envelope_parse');
  });

  it('points the F03 error at the third byte of ▶', () => {
    const error = parseError(F03_CHAR_LENGTH);
    expect(F03_CHAR_LENGTH[error.offset]).toBe(0xb6);
  });
});

describe('parseJsonPayload', () => {
  const cases: Array<{ name: string; payload: Uint8Array; expected: JsonObject | null }> = [
    { name: 'a JSON object', payload: bytesOf('{"message":"naïve ▶ 😀"}'), expected: { message: 'naïve ▶ 😀' } },
    { name: 'an object after leading whitespace', payload: bytesOf(' \n{"a":1}'), expected: { a: 1 } },
    { name: 'a JSON array', payload: bytesOf('[1,2]'), expected: null },
    { name: 'a JSON string', payload: bytesOf('"x"'), expected: null },
    { name: 'invalid JSON', payload: bytesOf('{"a":'), expected: null },
    { name: 'invalid UTF-8 inside an object', payload: bytesOf('{"a":"', [0xff, 0xc3], '"}'), expected: null },
    { name: 'binary bytes', payload: Uint8Array.from([0x78, 0x9c, 0x8b, 0xff]), expected: null },
    { name: 'a replay recording', payload: bytesOf('{"segment_id":3}\n', [0x78, 0x9c, 0xff]), expected: null },
    { name: 'an empty payload', payload: new Uint8Array(0), expected: null },
  ];

  it.each(cases)('returns the object or null for $name', ({ payload, expected }) => {
    expect(parseJsonPayload({ payload })).toEqual(expected);
  });
});
