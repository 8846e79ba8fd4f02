import { describe, expect, it } from 'bun:test';
import type { Envelope, JsonObject } from '../../src/envelope/types.ts';
import { createIdMinter, IdMap } from '../../src/replay/ids.ts';
import { rewriteEnvelope } from '../../src/replay/rewrite.ts';
import { calver, createShaper, MARKER_TAG, type Shaping } from '../../src/replay/shaping.ts';
import { fakeUserFor, poolUser, USER_POOL_SIZE } from '../../src/replay/users.ts';

const enc = new TextEncoder();
const dec = new TextDecoder();
const RUN_START = new Date('2026-12-03T10:00:00Z');

function envelope(header: JsonObject, ...items: [string, unknown][]): Envelope {
  return { header, items: items.map(([type, payload]) => ({ header: { type }, payload: enc.encode(JSON.stringify(payload)) })) };
}

function shape(env: Envelope, shaping: Partial<Shaping>) {
  const shaper = createShaper({ tags: [], rotateUsers: false, ...shaping }, RUN_START);
  const out = rewriteEnvelope(env, {
    deltaSeconds: 0,
    ids: new IdMap(createIdMinter(1)),
    destination: { publicKey: 'f'.repeat(32), dsn: 'http://ffffffffffffffffffffffffffffffff@127.0.0.1:1/2' },
    sentAt: RUN_START,
    shape: shaper,
  });
  return { header: out.header, payloads: out.items.map((i) => JSON.parse(dec.decode(i.payload))) };
}

describe('calver', () => {
  it('writes YY.M.W: two-digit year, month, week of the month (days 1-7 are week 1)', () => {
    expect(calver(new Date('2026-12-03T10:00:00Z'))).toBe('26.12.1');
    expect(calver(new Date('2026-01-08T00:00:00Z'))).toBe('26.1.2');
    expect(calver(new Date('2026-01-31T23:59:59Z'))).toBe('26.1.5');
    expect(calver(new Date('2030-10-28T00:00:00Z'))).toBe('30.10.4');
    expect(calver(new Date('2105-02-01T00:00:00Z'))).toBe('05.2.1');
  });
});

describe('shaping overrides', () => {
  const event = { message: 'x', release: 'shop@1.4.2', environment: 'dev', tags: { a: '1' }, user: { id: 42, ip_address: '{{auto}}' } };
  const session = { sid: 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee', did: '42', started: '2026-01-01T00:00:00Z', attrs: { release: 'shop@1.4.2', environment: 'dev' } };
  const checkIn = { check_in_id: 'c'.repeat(32), monitor_slug: 'job', status: 'ok' };
  const dsc = { trace: { trace_id: 'a'.repeat(32), public_key: 'b'.repeat(32), release: 'shop@1.4.2', environment: 'dev', sample_rate: '1' } };

  it('sets calver release and environment on events, sessions, check-ins and the DSC, keeping a name@ prefix', () => {
    const out = shape(envelope(dsc, ['event', event], ['session', session], ['check_in', checkIn]), { release: 'calver', environment: 'demo' });
    expect(out.payloads[0]).toMatchObject({ release: 'shop@26.12.1', environment: 'demo' });
    expect(out.payloads[1].attrs).toEqual({ release: 'shop@26.12.1', environment: 'demo' });
    expect(out.payloads[2]).toMatchObject({ release: '26.12.1', environment: 'demo' });
    expect(out.header.trace).toMatchObject({ release: 'shop@26.12.1', environment: 'demo', sample_rate: '1' });
  });

  it('sets a fixed release and leaves the DSC alone when it has no release', () => {
    const out = shape(envelope({ trace: { trace_id: 'a'.repeat(32) } }, ['transaction', { type: 'transaction' }]), { release: 'web@2.0.0' });
    expect(out.payloads[0].release).toBe('web@2.0.0');
    expect(out.header.trace).toEqual({ trace_id: expect.stringMatching(/^[0-9a-f]{32}$/), public_key: 'f'.repeat(32) });
  });

  it('adds tags to tag objects and tag pair lists, later values winning', () => {
    const tags: Array<[string, string]> = [[MARKER_TAG, '7'], ['a', 'replayed']];
    const out = shape(envelope({}, ['event', event], ['event', { tags: [['a', '1'], ['b', '2']] }], ['replay_event', { replay_id: 'd'.repeat(32) }]), { tags });
    expect(out.payloads[0].tags).toEqual({ a: 'replayed', 'undertaker.run': '7' });
    expect(out.payloads[1].tags).toEqual([['b', '2'], ['undertaker.run', '7'], ['a', 'replayed']]);
    expect(out.payloads[2].tags).toEqual({ 'undertaker.run': '7', a: 'replayed' });
  });

  it('rotates users to the same fake user for an event user id and a session did', () => {
    const out = shape(envelope({}, ['event', event], ['session', session], ['event', { user: { ip_address: '{{auto}}' } }]), { rotateUsers: true });
    const fake = fakeUserFor('42');
    expect(out.payloads[0].user).toEqual({ id: fake.id, username: fake.username, email: fake.email, ip_address: '{{auto}}' });
    expect(out.payloads[1].did).toBe(fake.id);
    expect(out.payloads[1].attrs).toEqual(session.attrs);
    expect(out.payloads[2].user).toEqual({ ip_address: '{{auto}}' });
  });

  it('keeps payloads byte for byte when there is nothing to override', () => {
    expect(createShaper({ tags: [], rotateUsers: false }, RUN_START)).toBeUndefined();
  });
});

describe('fake user pool', () => {
  it('is stable: the same identity always maps to the same pool user', () => {
    expect(fakeUserFor('42')).toEqual(fakeUserFor('42'));
    expect(fakeUserFor('user@example.org')).toEqual({ id: 'demo-user-061', username: 'ada.liskov', email: 'ada.liskov@example.com' });
    expect(poolUser(0)).toEqual({ id: 'demo-user-001', username: 'ada.lovelace', email: 'ada.lovelace@example.com' });
    const ids = new Set(Array.from({ length: 2000 }, (_, i) => fakeUserFor(`u${i}`).id));
    expect(ids.size).toBe(USER_POOL_SIZE);
  });
});
