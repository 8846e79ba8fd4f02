import { describe, expect, it } from 'bun:test';
import { parseEnvelope } from '../../src/envelope/parse.ts';
import { envelopeFromJson, itemFromJson, serializeEnvelope } from '../../src/envelope/serialize.ts';
import type { Envelope } from '../../src/envelope/types.ts';
import { bytesOf, readFixture, VALID_CASES } from './fixtures/cases.ts';

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
const utf8 = (value: string) => new TextEncoder().encode(value);

describe('serializeEnvelope round-trips', () => {
  it.each(VALID_CASES)('reproduces $name byte for byte', ({ bytes }) => {
    expect(serializeEnvelope(parseEnvelope(bytes))).toEqual(bytes);
  });

  it.each(VALID_CASES)('parses its own output of $name into an equal envelope', ({ bytes }) => {
    const parsed = parseEnvelope(bytes);
    expect(parseEnvelope(serializeEnvelope(parsed))).toEqual(parsed);
  });
});

describe('serializeEnvelope on modified envelopes', () => {
  it('writes length as the UTF-8 byte count of a re-encoded event (naïve ▶ 😀)', () => {
    const env = parseEnvelope(readFixture('f04-three-items.envelope'));
    const event = env.items[1];
    if (event === undefined) throw new Error('fixture has no event item');
    event.payload = utf8('{"message":"naïve ▶ 😀"}');
    event.rawHeader = undefined;
    event.header = { ...event.header, length: 0 };

    const out = parseEnvelope(serializeEnvelope(env));
    expect('{"message":"naïve ▶ 😀"}'.length).toBe(24);
    expect(out.items[1]?.header).toEqual({ type: 'event', length: 29 });
    expect(text(out.items[1]?.rawHeader ?? new Uint8Array())).toBe('{"type":"event","length":29}');
    expect(text(out.items[1]?.payload ?? new Uint8Array())).toBe('{"message":"naïve ▶ 😀"}');
    expect(text(out.items[2]?.payload ?? new Uint8Array())).toBe('line1\nline2');
  });

  it('adds length to a re-encoded header without one once the payload contains a newline', () => {
    const env = parseEnvelope(bytesOf('{}\n{"type":"session"}\n{"sid":"s1"}\n'));
    const [item] = env.items;
    if (item === undefined) throw new Error('no item');
    item.rawHeader = undefined;
    item.payload = utf8('{"sid":\n"s2"}');
    expect(text(serializeEnvelope(env))).toBe('{}\n{"type":"session","length":13}\n{"sid":\n"s2"}\n');
  });

  it('leaves a re-encoded header without length alone when the payload has no newline', () => {
    const env = parseEnvelope(bytesOf('{}\n{"type":"session"}\n{"sid":"s1"}'));
    const [item] = env.items;
    if (item === undefined) throw new Error('no item');
    item.rawHeader = undefined;
    item.header = { type: 'session', x: 1 };
    expect(text(serializeEnvelope(env))).toBe('{}\n{"type":"session","x":1}\n{"sid":"s1"}');
  });

  it('writes raw header bytes instead of the parsed header while they still frame the payload', () => {
    const env = parseEnvelope(bytesOf('{ "a" : 1 }\n{"type":"event", "length":2}\nab\n'));
    env.header = { a: 2 };
    expect(text(serializeEnvelope(env))).toBe('{ "a" : 1 }\n{"type":"event", "length":2}\nab\n');
    env.rawHeader = undefined;
    expect(text(serializeEnvelope(env))).toBe('{"a":2}\n{"type":"event", "length":2}\nab\n');
  });

  it('re-encodes a raw item header whose length no longer matches the payload', () => {
    const env = parseEnvelope(bytesOf('{}\n{"type":"attachment","length":2}\nab\n'));
    const [item] = env.items;
    if (item === undefined) throw new Error('no item');
    item.payload = utf8('▶');
    expect(text(serializeEnvelope(env))).toBe('{}\n{"type":"attachment","length":3}\n▶\n');
  });

  it('adds the newline after an EOF-terminated payload once another item follows it', () => {
    const env = parseEnvelope(bytesOf('{}\n{"type":"session"}\n{"sid":"s1"}'));
    env.items.push(itemFromJson({ type: 'attachment', filename: 'a.txt' }, utf8('x')));
    expect(text(serializeEnvelope(env))).toBe(
      '{}\n{"type":"session"}\n{"sid":"s1"}\n{"type":"attachment","filename":"a.txt","length":1}\nx\n',
    );
  });

  it('writes the header newline again when an item is added to a header-only envelope', () => {
    const env = parseEnvelope(bytesOf('{}'));
    env.items.push(itemFromJson({ type: 'session' }, { sid: 's1' }));
    expect(text(serializeEnvelope(env))).toBe('{}\n{"type":"session","length":12}\n{"sid":"s1"}\n');
  });

  it('keeps a payload added behind a header that ended at EOF', () => {
    const env = parseEnvelope(bytesOf('{}\n{"type":"attachment"}'));
    const [item] = env.items;
    if (item === undefined) throw new Error('no item');
    item.payload = utf8('abc');
    expect(text(serializeEnvelope(env))).toBe('{}\n{"type":"attachment"}\nabc');
  });
});

describe('itemFromJson and envelopeFromJson', () => {
  it('builds items whose length is the byte count, not the string length', () => {
    const item = itemFromJson({ type: 'event', content_type: 'application/json' }, { message: 'naïve ▶ 😀' });
    expect(item.header).toEqual({ type: 'event', content_type: 'application/json', length: 29 });
    expect(item.rawHeader).toBe(undefined);
    expect(text(item.payload)).toBe('{"message":"naïve ▶ 😀"}');
  });

  it('uses Uint8Array payloads as raw bytes and overwrites a stale length in place', () => {
    const bytes = Uint8Array.from([0x00, 0x8b, 0xff, 0xc3]);
    const item = itemFromJson({ type: 'attachment', length: 99, filename: 'b.bin' }, bytes);
    expect(item.payload).toBe(bytes);
    expect(Object.entries(item.header)).toEqual([
      ['type', 'attachment'],
      ['length', 4],
      ['filename', 'b.bin'],
    ]);
  });

  it('writes string payloads as JSON strings', () => {
    expect(text(itemFromJson({ type: 'x' }, 'a"b').payload)).toBe('"a\\"b"');
  });

  it('refuses a payload that has no JSON form', () => {
    expect(() => itemFromJson({ type: 'x' }, undefined)).toThrow('item payload of type undefined cannot be written as JSON');
  });

  it('serialises a built envelope with a newline after every line', () => {
    const env: Envelope = envelopeFromJson({ event_id: '7a1b2c3d4e5f60718293a4b5c6d7e8f9' }, [
      [{ type: 'event' }, { level: 'error' }],
      [{ type: 'attachment', filename: 'a.txt' }, utf8('line1\nline2')],
    ]);
    expect(text(serializeEnvelope(env))).toBe(
      '{"event_id":"7a1b2c3d4e5f60718293a4b5c6d7e8f9"}\n' +
        '{"type":"event","length":17}\n{"level":"error"}\n' +
        '{"type":"attachment","filename":"a.txt","length":11}\nline1\nline2\n',
    );
  });

  it('serialises a built header-only envelope as the header and one newline', () => {
    expect(text(serializeEnvelope(envelopeFromJson({})))).toBe('{}\n');
  });
});
