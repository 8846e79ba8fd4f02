// Bodies at rest: compressed when that is smaller, and every read path gives back the exact bytes
// captured, for every golden SDK fixture (tests/fixtures/sdk/**) and each compression setting.
import { Database } from 'bun:sqlite';
import { describe, expect, it } from 'bun:test';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeBody, encodeBody } from '../../src/store/body-codec.ts';
import { type BodyCompression, openStore, type Store } from '../../src/store/index.ts';
import { StoreError } from '../../src/shared/errors.ts';
import { readFixtureDirs, sha256 } from '../helpers/sdk-fixtures.ts';
import { sampleEnvelope } from './contract.ts';

const FIXTURES = readFixtureDirs().flatMap(({ name, dir, manifest }) =>
  manifest.envelopes.map((e) => ({ name: `${name}/${e.file}`, bytes: new Uint8Array(readFileSync(join(dir, e.file))) })),
);

async function storeAll(compression: BodyCompression): Promise<{ store: Store; path: string; ids: number[] }> {
  const path = join(mkdtempSync(join(tmpdir(), 'ut-codec-')), 'c.db');
  const store = await openStore({ dialect: 'sqlite', path, compression });
  const ids = await Promise.all(FIXTURES.map((f) => store.insertEnvelope(sampleEnvelope({ body: f.bytes }))));
  return { store, path, ids };
}

function encodings(path: string): Map<string, number> {
  const db = new Database(path, { readonly: true });
  const rows = db.query<{ e: string; n: number }, []>('select body_encoding as e, count(*) as n from envelopes group by e').all();
  db.close();
  return new Map(rows.map((r) => [r.e, r.n]));
}

describe('stored bodies', () => {
  it('has a fixture corpus to check', () => {
    expect(FIXTURES.length).toBeGreaterThanOrEqual(90);
  });

  for (const compression of ['zstd', 'deflate', 'none'] as const) {
    it(`reads every SDK fixture back byte for byte with ${compression} (getEnvelope and iterateEnvelopes)`, async () => {
      const { store, path, ids } = await storeAll(compression);
      for (const [i, f] of FIXTURES.entries()) {
        const got = await store.getEnvelope(ids[i]!);
        expect({ name: f.name, sha: sha256(got!.body), size: got!.size }).toEqual({ name: f.name, sha: sha256(f.bytes), size: f.bytes.byteLength });
      }
      const streamed: string[] = [];
      for await (const r of store.iterateEnvelopes({ order: 'asc' }, 7)) streamed.push(sha256(r.body));
      expect(streamed).toEqual(FIXTURES.map((f) => sha256(f.bytes)));
      await store.close();
      const used = encodings(path);
      if (compression === 'none') expect([...used.keys()]).toEqual(['identity']);
      else expect(used.get(compression) ?? 0).toBeGreaterThanOrEqual(FIXTURES.length * 0.8);
    });
  }

  it('keeps small and incompressible bodies as they are', () => {
    expect(encodeBody(new Uint8Array([1, 2, 3]), 'zstd').encoding).toBe('identity');
    const noise = crypto.getRandomValues(new Uint8Array(200_000));
    const stored = encodeBody(noise, 'zstd');
    expect(stored.encoding).toBe('identity');
    expect(stored.bytes).toBe(noise);
  });

  it('refuses a damaged compressed body instead of returning other bytes', () => {
    const body = new TextEncoder().encode('{"event_id":"x"}\n'.repeat(20));
    const { bytes, encoding } = encodeBody(body, 'zstd');
    expect(encoding).toBe('zstd');
    expect(sha256(decodeBody(bytes, encoding, body.byteLength))).toBe(sha256(body));
    expect(() => decodeBody(bytes, encoding, body.byteLength + 1)).toThrow(StoreError);
    expect(() => decodeBody(bytes.subarray(0, 10), encoding, body.byteLength)).toThrow(StoreError);
    expect(() => decodeBody(bytes, 'lz4', body.byteLength)).toThrow('unknown body_encoding "lz4"');
  });
});
