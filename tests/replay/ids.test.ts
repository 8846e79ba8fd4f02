import { describe, expect, it } from 'bun:test';
import { DerivedIdMap, IdMap, createIdMinter, normalizeId, seededRandom } from '../../src/replay/ids.ts';

const HEX32 = /^[0-9a-f]{32}$/;
const HEX16 = /^[0-9a-f]{16}$/;
const DASHED = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const EVENT_ID = '4e0c0e6f0b1a4d3c9c0f2b7a1d2e3f40';
const EVENT_ID_DASHED = '4e0c0e6f-0b1a-4d3c-9c0f-2b7a1d2e3f40';
const SPAN_ID = 'a1b2c3d4e5f60718';

describe('seededRandom', () => {
  it('returns the same bytes for the same seed', () => {
    expect(seededRandom(7)(20)).toEqual(seededRandom(7)(20));
    expect(seededRandom(7)(20)).not.toEqual(seededRandom(8)(20));
  });

  it('returns exactly n bytes', () => {
    expect(seededRandom(1)(5).byteLength).toBe(5);
  });
});

describe('createIdMinter', () => {
  it('mints UUID v4 hex and 16-hex span ids', () => {
    const minter = createIdMinter(seededRandom(3));
    const id = minter.mintUuidHex();
    expect(id).toMatch(HEX32);
    expect(id[12]).toBe('4');
    expect('89ab').toContain(id[16]!);
    expect(minter.mintSpanId()).toMatch(HEX16);
  });

  it('accepts a seed number', () => {
    expect(createIdMinter(5).mintUuidHex()).toBe(createIdMinter(seededRandom(5)).mintUuidHex());
  });

  it('uses the crypto source by default', () => {
    const minter = createIdMinter();
    expect(minter.mintUuidHex()).not.toBe(minter.mintUuidHex());
  });
});

describe('normalizeId', () => {
  it('lowercases and strips dashes', () => {
    expect(normalizeId(EVENT_ID_DASHED.toUpperCase())).toBe(EVENT_ID);
    expect(normalizeId(SPAN_ID.toUpperCase())).toBe(SPAN_ID);
  });

  it('rejects non-ids and all-zero sentinels', () => {
    expect(normalizeId('hello')).toBeNull();
    expect(normalizeId('00000000-0000-0000-0000-000000000000')).toBeNull();
    expect(normalizeId('abc')).toBeNull();
  });
});

describe('IdMap', () => {
  it('maps an old id to one fresh lowercase 32-hex id', () => {
    const ids = new IdMap(createIdMinter(1));
    const fresh = ids.map(EVENT_ID);
    expect(fresh).toMatch(HEX32);
    expect(fresh).not.toBe(EVENT_ID);
    expect(ids.map(EVENT_ID)).toBe(fresh);
    expect(ids.map('ffffffffffffffffffffffffffffffff')).not.toBe(fresh);
  });

  it('maps the same id in any spelling to the same id in that spelling', () => {
    const ids = new IdMap(createIdMinter(1));
    const fresh = ids.map(EVENT_ID);
    expect(ids.map(EVENT_ID_DASHED)).toMatch(DASHED);
    expect(ids.map(EVENT_ID_DASHED).replaceAll('-', '')).toBe(fresh);
    expect(ids.map(EVENT_ID.toUpperCase())).toBe(fresh.toUpperCase());
    expect(ids.map(EVENT_ID_DASHED.toUpperCase())).toBe(ids.map(EVENT_ID_DASHED).toUpperCase());
    expect(ids.size).toBe(1);
  });

  it('maps span ids to 16-hex ids', () => {
    const ids = new IdMap(createIdMinter(1));
    const fresh = ids.map(SPAN_ID);
    expect(fresh).toMatch(HEX16);
    expect(fresh).not.toBe(SPAN_ID);
    expect(ids.map(SPAN_ID.toUpperCase())).toBe(fresh.toUpperCase());
  });

  it('passes non-ids and all-zero ids through', () => {
    const ids = new IdMap(createIdMinter(1));
    expect(ids.map('not-an-id')).toBe('not-an-id');
    expect(ids.map(42)).toBe(42);
    expect(ids.map(null)).toBeNull();
    expect(ids.map('00000000-0000-0000-0000-000000000000')).toBe('00000000-0000-0000-0000-000000000000');
    expect(ids.size).toBe(0);
  });

  it('looks up without minting and lists the pairs', () => {
    const ids = new IdMap(createIdMinter(1));
    expect(ids.get(EVENT_ID)).toBeUndefined();
    const fresh = ids.map(EVENT_ID_DASHED);
    expect(ids.get(EVENT_ID)).toBe(fresh.replaceAll('-', ''));
    expect(ids.entries()).toEqual([[EVENT_ID, fresh.replaceAll('-', '')]]);
  });

  it('is deterministic for a seed', () => {
    const run = (seed: number) => {
      const ids = new IdMap(createIdMinter(seededRandom(seed)));
      return [ids.map(EVENT_ID), ids.map(SPAN_ID), ids.map('ffffffffffffffffffffffffffffffff')];
    };
    expect(run(42)).toEqual(run(42));
    expect(run(42)).not.toEqual(run(43));
  });

  it('re-mints on a collision', () => {
    // A source that repeats its first id forces the map to draw again.
    let calls = 0;
    const first = new Uint8Array(16).fill(0x11);
    const ids = new IdMap(
      createIdMinter((n) => (calls++ < 2 ? first.slice(0, n) : seededRandom(calls)(n))),
    );
    const a = ids.map(EVENT_ID);
    const b = ids.map('ffffffffffffffffffffffffffffffff');
    expect(a).not.toBe(b);
    expect(calls).toBe(3);
  });
});

describe('DerivedIdMap', () => {
  it('maps an id to one fresh id in every spelling, span ids to span ids, with UUID v4 bits', () => {
    const ids = new DerivedIdMap(createIdMinter(1));
    const fresh = ids.map(EVENT_ID);
    expect(fresh).toMatch(HEX32);
    expect(fresh).not.toBe(EVENT_ID);
    expect(fresh[12]).toBe('4');
    expect('89ab').toContain(fresh[16]!);
    expect(ids.map(EVENT_ID)).toBe(fresh);
    expect(ids.map(EVENT_ID_DASHED)).toMatch(DASHED);
    expect(ids.map(EVENT_ID_DASHED).replaceAll('-', '')).toBe(fresh);
    expect(ids.map(EVENT_ID.toUpperCase())).toBe(fresh.toUpperCase());
    expect(ids.get(EVENT_ID_DASHED)).toBe(fresh);
    expect(ids.map(SPAN_ID)).toMatch(HEX16);
    expect(ids.map('ffffffffffffffffffffffffffffffff')).not.toBe(fresh);
  });

  it('passes non-ids and all-zero ids through', () => {
    const ids = new DerivedIdMap(createIdMinter(1));
    expect(ids.map('not-an-id')).toBe('not-an-id');
    expect(ids.map(42)).toBe(42);
    expect(ids.map('00000000-0000-0000-0000-000000000000')).toBe('00000000-0000-0000-0000-000000000000');
    expect(ids.get('hello')).toBeUndefined();
  });

  it('is deterministic for a seed and differs between runs', () => {
    const run = (ids: DerivedIdMap) => [ids.map(EVENT_ID), ids.map(SPAN_ID)];
    expect(run(new DerivedIdMap(createIdMinter(42)))).toEqual(run(new DerivedIdMap(createIdMinter(42))));
    expect(run(new DerivedIdMap(createIdMinter(42)))).not.toEqual(run(new DerivedIdMap(createIdMinter(43))));
    expect(run(new DerivedIdMap())).not.toEqual(run(new DerivedIdMap()));
  });

  it('gives 100,000 distinct ids distinct new ids', () => {
    const ids = new DerivedIdMap(createIdMinter(7));
    const fresh = new Set<string>();
    for (let i = 0; i < 100_000; i++) fresh.add(ids.map((i + 1).toString(16).padStart(32, '0')) as string);
    expect(fresh.size).toBe(100_000);
  });
});
