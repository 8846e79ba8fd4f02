// Golden fixtures captured from real SDKs (tests/fixtures/sdk/<sdk>@<version>/, every folder, the
// browser's included), checked without any SDK runtime: each stored body serialises back byte for
// byte, summarises and indexes to what its manifest records, and survives a replay rewrite with its
// attachments untouched and every item length right. Refresh: `npx bun scripts/refresh-sdk-fixtures.ts`.
import { describe, expect, it } from 'bun:test';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { indexItems } from '../../src/envelope/items.ts';
import { parseEnvelope } from '../../src/envelope/parse.ts';
import { serializeEnvelope } from '../../src/envelope/serialize.ts';
import { decodeStoreBody } from '../../src/envelope/store-body.ts';
import { envelopeFromStored } from '../../src/envelope/stored.ts';
import { summarizeEnvelope, summarizeStoreEvent } from '../../src/envelope/summarize.ts';
import type { EnvelopeSummary } from '../../src/envelope/types.ts';
import { createIdMinter, IdMap } from '../../src/replay/ids.ts';
import { rewriteEnvelope } from '../../src/replay/rewrite.ts';
import { MATRIX_PATH, renderSdkMatrix } from '../../scripts/gen-sdk-matrix.ts';
import { type FixtureEnvelope, readFixtureDirs, sha256 } from '../helpers/sdk-fixtures.ts';

/** Payloads a replay must never touch (recordings are re-timed on purpose, attachments never). */
const OPAQUE_TYPES = new Set(['attachment']);
const DESTINATION = { publicKey: 'fedcba9876543210fedcba9876543210', dsn: 'http://fedcba9876543210fedcba9876543210@127.0.0.1:9/2' };
const DAY = 86_400;

const dirs = readFixtureDirs();

it('has fixtures of at least seven SDK families', () => {
  expect(new Set(dirs.map((d) => d.manifest.sdk)).size).toBeGreaterThanOrEqual(7);
});

it('docs/sdks.md is the matrix of the committed fixtures (else run `npx bun scripts/gen-sdk-matrix.ts`)', () => {
  expect(readFileSync(MATRIX_PATH, 'utf8')).toBe(renderSdkMatrix(dirs));
});

function summaryOf(entry: FixtureEnvelope, bytes: Uint8Array): EnvelopeSummary {
  return entry.endpoint === 'store' ? summarizeStoreEvent(decodeStoreBody(bytes)) : summarizeEnvelope(parseEnvelope(bytes));
}

function manifestFields(s: EnvelopeSummary) {
  return {
    item_types: s.itemTypes,
    summary: { event_id: s.eventId, type: s.mainType, platform: s.platform, sdk: s.sdkName, sdk_version: s.sdkVersion, trace_id: s.traceId, release: s.release, environment: s.environment, title: s.title, level: s.level },
  };
}

for (const { name, dir, manifest } of dirs) {
  const cases = manifest.envelopes.map((entry) => ({ ...entry, bytes: new Uint8Array(readFileSync(join(dir, entry.file))) }));
  const envelopeCases = cases.filter((c) => c.endpoint === 'envelope');

  describe(`${name} fixtures`, () => {
    it('lists every captured body in the folder exactly once', () => {
      const files = readdirSync(dir).filter((f) => f !== 'manifest.json').sort();
      expect(manifest.envelopes.map((e) => e.file).sort()).toEqual(files);
    });

    it.each(cases.filter((c) => c.sha256 !== undefined))('$file is the body that was captured (sha256)', ({ bytes, sha256: want }) => {
      expect(sha256(bytes)).toBe(want!);
    });

    it.each(envelopeCases)('$file ($item_types) serialises back byte for byte', ({ bytes }) => {
      expect(serializeEnvelope(parseEnvelope(bytes))).toEqual(bytes);
    });

    it.each(cases)('$file ($endpoint) summarises to its manifest fields', (entry) => {
      expect(manifestFields(summaryOf(entry, entry.bytes))).toEqual({ item_types: entry.item_types, summary: entry.summary });
    });

    it.each(cases)('$file indexes its items as the manifest lists them', ({ endpoint, bytes, items }) => {
      const indexed = indexItems(envelopeFromStored(endpoint, bytes)).map((i) => ({ type: i.type, length: i.length, content_type: i.contentType, filename: i.filename, ids: i.ids }));
      expect(indexed).toEqual(items);
    });

    it.each(cases)('$file replays with fresh ids, attachments byte for byte and true item lengths', ({ endpoint, bytes }) => {
      const original = envelopeFromStored(endpoint, bytes);
      const ctx = { deltaSeconds: 30 * DAY, ids: new IdMap(createIdMinter(7)), destination: DESTINATION, sentAt: new Date('2030-01-01T00:00:00Z') };
      const rewritten = rewriteEnvelope(envelopeFromStored(endpoint, bytes), ctx);
      for (const item of rewritten.items) {
        if (typeof item.header.length === 'number') expect(item.header.length).toBe(item.payload.byteLength);
      }
      const replayed = parseEnvelope(serializeEnvelope(rewritten));
      expect(replayed.items.map((i) => i.header.type)).toEqual(original.items.map((i) => i.header.type));
      replayed.items.forEach((item, index) => {
        if (OPAQUE_TYPES.has(String(item.header.type))) expect(item.payload).toEqual(original.items[index]!.payload);
      });
      if (typeof original.header.event_id === 'string') expect(replayed.header.event_id).not.toBe(original.header.event_id);
      expect(replayed.header.dsn ?? DESTINATION.dsn).toBe(DESTINATION.dsn);
    });
  });
}
