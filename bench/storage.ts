/**
 * Storage benchmark: bytes per stored envelope for the real-SDK fixture corpus
 * (tests/fixtures/sdk/*: every envelope, store event, minidump and report the SDK suite captured),
 * stored through the real ingest path with each body compression, against storing bodies as they
 * are (the baseline), in the same run. Also checks that every body reads back byte-identical.
 *
 *   npx bun bench/storage.ts [--copies 40]
 */
import { Database } from 'bun:sqlite';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { SentryAuth } from '../src/ingest/auth.ts';
import { ingest } from '../src/ingest/service.ts';
import { type BodyCompression, openStore } from '../src/store/index.ts';
import type { IngestEndpoint } from '../src/store/index.ts';
import { wholeNumber } from './lib/args.ts';

const { values } = parseArgs({ options: { copies: { type: 'string', default: '40' } } });
const copies = wholeNumber(values, 'copies');
const root = resolve(import.meta.dir, '..');
const fixtures = join(root, 'tests/fixtures/sdk');

interface Fixture {
  sdk: string;
  endpoint: IngestEndpoint;
  contentType: string | null;
  body: Uint8Array;
}

const corpus: Fixture[] = readdirSync(fixtures).flatMap((sdk) => {
  const manifest = JSON.parse(readFileSync(join(fixtures, sdk, 'manifest.json'), 'utf8')) as {
    envelopes: { file: string; endpoint: IngestEndpoint; request: { content_type: string | null } }[];
  };
  return manifest.envelopes.map((e) => ({ sdk, endpoint: e.endpoint, contentType: e.request.content_type, body: new Uint8Array(readFileSync(join(fixtures, sdk, e.file))) }));
});
const AUTH: SentryAuth = { publicKey: '0123456789abcdef0123456789abcdef', carrier: 'x-sentry-auth' };

interface Result {
  compression: BodyCompression;
  envelopes: number;
  capturedBytes: number;
  storedBodyBytes: number;
  fileBytes: number;
  insertMs: number;
}

async function measure(compression: BodyCompression): Promise<Result> {
  const dir = mkdtempSync(join(tmpdir(), 'ut-bench-storage-'));
  const path = join(dir, 'storage.db');
  const store = await openStore({ dialect: 'sqlite', path, compression });
  const started = performance.now();
  let n = 0;
  for (let copy = 0; copy < copies; copy++) {
    await Promise.all(
      corpus.map((f) =>
        ingest({ store, now: () => Date.now(), options: {} }, { endpoint: f.endpoint, projectId: 1, auth: AUTH, body: f.body, contentType: f.contentType, requestMeta: {} }).then(() => n++),
      ),
    );
  }
  const insertMs = performance.now() - started;
  // Every body must come back exactly as captured, whatever the encoding at rest.
  let k = 0;
  for await (const record of store.iterateEnvelopes({})) {
    const want = corpus[k++ % corpus.length]!.body;
    if (Buffer.compare(Buffer.from(record.body), Buffer.from(want)) !== 0) throw new Error(`${compression}: envelope ${record.id} does not read back byte-identical`);
  }
  await store.close();
  const db = new Database(path);
  db.exec('PRAGMA wal_checkpoint(TRUNCATE); VACUUM;');
  const sums = db.query<{ stored: number; captured: number }, []>('select sum(length(body)) as stored, sum(size) as captured from envelopes').get()!;
  db.close();
  const fileBytes = statSync(path).size;
  rmSync(dir, { recursive: true, force: true });
  return { compression, envelopes: n, capturedBytes: sums.captured, storedBodyBytes: sums.stored, fileBytes, insertMs };
}

const results: Result[] = [];
for (const compression of ['none', 'deflate', 'zstd'] as const) results.push(await measure(compression));
const base = results[0]!;
const per = (bytes: number, r: Result) => (bytes / r.envelopes).toFixed(0);
console.log(`storage benchmark: ${corpus.length} fixture bodies from ${new Set(corpus.map((c) => c.sdk)).size} SDKs × ${copies} copies = ${base.envelopes} envelopes, ${per(base.capturedBytes, base)} B captured per envelope on average`);
console.log('| body compression | stored body B/envelope | database file B/envelope (after VACUUM) | × baseline file size | capture µs/envelope (in process) |');
console.log('|---|---|---|---|---|');
for (const r of results) {
  console.log(`| ${r.compression === 'none' ? 'none (baseline)' : r.compression} | ${per(r.storedBodyBytes, r)} | ${per(r.fileBytes, r)} | ${(r.fileBytes / base.fileBytes).toFixed(2)} | ${((r.insertMs * 1000) / r.envelopes).toFixed(0)} |`);
}
const zstd = results.find((r) => r.compression === 'zstd')!;
console.log(`ratio zstd/baseline: ${(zstd.fileBytes / base.fileBytes).toFixed(2)}× the disk per envelope; every body read back byte-identical`);
