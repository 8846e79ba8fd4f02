// Golden fixtures captured from @sentry/browser in Chromium (tests/fixtures/sdk/browser@<version>/): without the
// browser, each stored body must parse, serialise back byte for byte, and index to what its manifest records.
import { describe, expect, it } from 'bun:test';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { indexItems } from '../../src/envelope/items.ts';
import { parseEnvelope } from '../../src/envelope/parse.ts';
import { serializeEnvelope } from '../../src/envelope/serialize.ts';
import { summarizeEnvelope } from '../../src/envelope/summarize.ts';
import { FIXTURES_ROOT, type FixtureManifest } from '../helpers/browser-fixtures.ts';

const dirs = existsSync(FIXTURES_ROOT) ? readdirSync(FIXTURES_ROOT).filter((d) => d.startsWith('browser@')) : [];

it('has committed browser fixtures', () => {
  expect(dirs.length).toBeGreaterThan(0);
});

for (const dir of dirs) {
  const manifest = JSON.parse(readFileSync(join(FIXTURES_ROOT, dir, 'manifest.json'), 'utf8')) as FixtureManifest;
  const cases = manifest.envelopes.map((entry) => ({ ...entry, bytes: new Uint8Array(readFileSync(join(FIXTURES_ROOT, dir, entry.file))) }));

  describe(`${dir} fixtures`, () => {
    it('lists every .envelope file in the folder once', () => {
      const files = readdirSync(join(FIXTURES_ROOT, dir)).filter((f) => f.endsWith('.envelope')).sort();
      expect(manifest.envelopes.map((e) => e.file).sort()).toEqual(files);
    });

    it.each(cases)('$file ($scenario: $item_types) serialises back byte for byte', ({ bytes }) => {
      expect(serializeEnvelope(parseEnvelope(bytes))).toEqual(bytes);
    });

    it.each(cases)('$file ($scenario) summarises to its manifest fields', ({ bytes, summary, item_types }) => {
      const s = summarizeEnvelope(parseEnvelope(bytes));
      expect({ item_types: s.itemTypes, summary: { event_id: s.eventId, type: s.mainType, platform: s.platform, sdk: s.sdkName, sdk_version: s.sdkVersion, trace_id: s.traceId, release: s.release, environment: s.environment, title: s.title, level: s.level } }).toEqual({ item_types, summary });
    });

    it.each(cases)('$file ($scenario) indexes its items as the manifest lists them', ({ bytes, items }) => {
      const indexed = indexItems(parseEnvelope(bytes)).map((i) => ({ type: i.type, length: i.length, content_type: i.contentType, filename: i.filename, ids: i.ids }));
      expect(indexed).toEqual(items);
    });

    it('covers every item type the browser SDK sends', () => {
      const types = new Set(manifest.envelopes.flatMap((e) => e.item_types));
      const expected = ['attachment', 'client_report', 'event', 'feedback', 'log', 'profile_chunk', 'replay_event', 'replay_recording', 'session', 'span', 'trace_metric', 'transaction'];
      expect([...types].sort()).toEqual(expected);
    });
  });
}
