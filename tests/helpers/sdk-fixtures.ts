// Golden SDK fixtures: tests/fixtures/sdk/<sdk>@<version>/ holds each stored body exactly as Undertaker
// captured it from a real SDK (`<n>.envelope`, or `<n>.store.json` for the legacy store endpoint) and a
// manifest.json of what each one must index to. The format is shared with the browser fixtures
// (tests/helpers/browser-fixtures.ts writes the same fields); the optional fields below are additions
// that readers must not require. Written by the e2e suites with UNDERTAKER_REFRESH_FIXTURES=1
// (scripts/refresh-sdk-fixtures.ts runs them), read by tests/envelope/sdk-fixtures.test.ts and
// scripts/gen-sdk-matrix.ts.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ItemIndexEntry } from '../../src/envelope/items.ts';
import type { EnvelopeRecord } from '../../src/store/index.ts';
import { REPO_ROOT } from './sdk-registry.ts';

/** Kinds of data an SDK can send, as the coverage matrix names them (see KIND_ITEM_TYPES). */
export type Kind =
  | 'error' | 'transaction' | 'span' | 'session' | 'sessions' | 'attachment' | 'check_in' | 'log' | 'metric'
  | 'feedback' | 'profile' | 'replay' | 'client_report';

/** Which item types prove each kind. */
export const KIND_ITEM_TYPES: Record<Kind, string[]> = {
  error: ['event'],
  transaction: ['transaction'],
  span: ['span'],
  session: ['session'],
  sessions: ['sessions'],
  attachment: ['attachment'],
  check_in: ['check_in'],
  log: ['log'],
  metric: ['trace_metric', 'statsd', 'metric_buckets', 'metric_meta'],
  feedback: ['feedback', 'user_report'],
  profile: ['profile', 'profile_chunk'],
  replay: ['replay_event', 'replay_recording', 'replay_video'],
  client_report: ['client_report'],
};

export interface FixtureEnvelope {
  file: string;
  scenario: string;
  endpoint: string;
  /** How the request arrived: null content_type means the SDK sent none. */
  request: {
    path: string;
    content_type: string | null;
    content_encoding: string | null;
    auth_carrier: string | null;
    /** Additions (optional): `sentry_client` from the auth carrier, User-Agent, chunked transfer. */
    sentry_client?: string | null;
    user_agent?: string | null;
    transfer_encoding?: string | null;
  };
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
  /** Addition (optional): sha256 of the file, so a damaged fixture is told apart from a parser change. */
  sha256?: string;
}

export interface FixtureManifest {
  sdk: string;
  package: string;
  version: string;
  runtime: string;
  /** The one command that rewrites this folder. */
  refresh: string;
  /** Addition (optional): why a kind is absent, for the coverage matrix ("no API in 1.x"). */
  not_sent?: Partial<Record<Kind, string>>;
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
      sentry_client: meta.sentry_client ?? null,
      user_agent: meta['user-agent'] ?? null,
      transfer_encoding: meta['transfer-encoding'] ?? null,
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
    sha256: sha256(record.body),
  };
}

/** The file name of the n-th (1-based) captured body: store-endpoint bodies are JSON, not envelopes. */
export function fixtureFileName(n: number, endpoint: string): string {
  return endpoint === 'store' ? `${n}.store.json` : `${n}.envelope`;
}

/** Replaces tests/fixtures/sdk/<sdk>@<version>/ with the captured bodies, numbered in capture order. */
export function writeSdkFixtures(head: Omit<FixtureManifest, 'envelopes'>, captured: CapturedEnvelope[]): string {
  const dir = join(FIXTURES_ROOT, `${head.sdk}@${head.version}`);
  mkdirSync(dir, { recursive: true });
  for (const name of readdirSync(dir)) {
    if (name.endsWith('.envelope') || name.endsWith('.store.json') || name === 'manifest.json') rmSync(join(dir, name));
  }
  const envelopes = captured.map((entry, i) => {
    const file = fixtureFileName(i + 1, entry.record.endpoint);
    writeFileSync(join(dir, file), entry.record.body);
    return fixtureEntry(file, entry);
  });
  writeFileSync(join(dir, 'manifest.json'), `${JSON.stringify({ ...head, envelopes }, null, 2)}\n`);
  return dir;
}

export interface FixtureDir {
  /** Folder name, `<sdk>@<version>`. */
  name: string;
  dir: string;
  manifest: FixtureManifest;
}

/** Every fixture folder with a manifest, sorted by name. */
export function readFixtureDirs(root = FIXTURES_ROOT): FixtureDir[] {
  if (!existsSync(root)) return [];
  return readdirSync(root)
    .filter((name) => existsSync(join(root, name, 'manifest.json')))
    .sort()
    .map((name) => ({ name, dir: join(root, name), manifest: JSON.parse(readFileSync(join(root, name, 'manifest.json'), 'utf8')) as FixtureManifest }));
}

export function sha256(bytes: Uint8Array): string {
  return new Bun.CryptoHasher('sha256').update(bytes).digest('hex');
}
