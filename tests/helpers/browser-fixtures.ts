// Golden fixtures of the browser SDK: the stored bodies exactly as Undertaker captured them from @sentry/browser
// in Chromium (`<n>.envelope`) and a manifest.json with what each one must index to. Written by
// tests/e2e/browser.e2e.test.ts when UNDERTAKER_REFRESH_FIXTURES=1; read by the fixture unit tests.
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ItemIndexEntry } from '../../src/envelope/items.ts';
import type { EnvelopeRecord } from '../../src/store/index.ts';
import { REPO_ROOT } from './sdk.ts';

export interface FixtureEnvelope {
  file: string;
  scenario: string;
  endpoint: string;
  /** How the request arrived: null content_type means the browser sent none (binary body). */
  request: { path: string; content_type: string | null; content_encoding: string | null; auth_carrier: string | null };
  item_types: string[];
  /** The index fields Undertaker derived at capture (summary columns of the envelopes table). */
  summary: {
    event_id: string | null;
    type: string;
    platform: string | null;
    sdk: string | null;
    sdk_version: string | null;
    trace_id: string | null;
    release: string | null;
    environment: string | null;
    title: string | null;
    level: string | null;
  };
  items: { type: string; length: number; content_type: string | null; filename: string | null; ids: Record<string, string> | null }[];
}

export interface FixtureManifest {
  sdk: string;
  package: string;
  version: string;
  runtime: string;
  refresh: string;
  envelopes: FixtureEnvelope[];
}

export interface CapturedEnvelope {
  scenario: string;
  record: EnvelopeRecord;
  items: ItemIndexEntry[];
}

export const FIXTURES_ROOT = join(REPO_ROOT, 'tests/fixtures/sdk');
export const REFRESH_FIXTURES = process.env.UNDERTAKER_REFRESH_FIXTURES === '1';

export function fixtureEntry(file: string, { scenario, record, items }: CapturedEnvelope): FixtureEnvelope {
  const meta = record.requestMeta;
  return {
    file,
    scenario,
    endpoint: record.endpoint,
    request: {
      path: meta.path ?? '',
      content_type: meta['content-type'] ?? null,
      content_encoding: meta['content-encoding'] ?? null,
      auth_carrier: meta.auth_carrier ?? null,
    },
    item_types: record.itemTypes,
    summary: {
      event_id: record.eventId,
      type: record.mainType,
      platform: record.platform,
      sdk: record.sdkName,
      sdk_version: record.sdkVersion,
      trace_id: record.traceId,
      release: record.release,
      environment: record.environment,
      title: record.title,
      level: record.level,
    },
    items: items.map((i) => ({ type: i.type, length: i.length, content_type: i.contentType, filename: i.filename, ids: i.ids })),
  };
}

/** Replaces tests/fixtures/sdk/<sdk>@<version>/ with the captured envelopes, numbered in capture order. */
export function writeFixtures(manifest: Omit<FixtureManifest, 'envelopes'>, captured: CapturedEnvelope[]): string {
  const dir = join(FIXTURES_ROOT, `${manifest.sdk}@${manifest.version}`);
  mkdirSync(dir, { recursive: true });
  for (const name of readdirSync(dir)) {
    if (name.endsWith('.envelope') || name === 'manifest.json') rmSync(join(dir, name));
  }
  const envelopes = captured.map((entry, i) => {
    const file = `${i + 1}.envelope`;
    writeFileSync(join(dir, file), entry.record.body);
    return fixtureEntry(file, entry);
  });
  writeFileSync(join(dir, 'manifest.json'), `${JSON.stringify({ ...manifest, envelopes }, null, 2)}\n`);
  return dir;
}
