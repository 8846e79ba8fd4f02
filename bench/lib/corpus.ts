/**
 * A large stored corpus for the replay, memory and query benchmarks: N envelopes captured through
 * the real ingest path (parse, summary, item index, compression, group commit) into a SQLite
 * database under .cache/bench/, built once and reused while its recipe is unchanged.
 *
 * Mix (by position): 50 % errors (python, javascript, go, java, in turn), 30 % transactions with
 * 5 spans (each sharing its trace with the error before it), 20 % sessions; receive times spread
 * over the 3 days before the build, in capture order.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { SentryAuth } from '../../src/ingest/auth.ts';
import { ingest } from '../../src/ingest/service.ts';
import { openStore, type Store } from '../../src/store/index.ts';
import { benchEnvelope } from './envelope.ts';

const RECIPE = 'corpus-v2';
const KEY = '0123456789abcdef0123456789abcdef';
const PLATFORMS = ['python', 'javascript', 'go', 'java'] as const;
const SDKS: Record<(typeof PLATFORMS)[number], string> = { python: 'sentry.python', javascript: 'sentry.javascript.node', go: 'sentry.go', java: 'sentry.java' };
const enc = new TextEncoder();

export const CORPUS_DIR = resolve(import.meta.dir, '../../.cache/bench');

/** A stable id-shaped hex string for a label (ids look random, as SDK-minted ones do). */
function hex(label: string, width: number): string {
  return (Bun.SHA256.hash(label, 'hex') as string).slice(0, width);
}

/** The i-th envelope of the corpus, its trace id and timestamps derived from i (no randomness). */
export function corpusEnvelope(i: number, ts: number): Uint8Array {
  const kind = i % 10;
  // Errors 0-2 share their trace with transactions 5-7 of the same ten; errors 3 and 4 stand alone.
  const traceId = hex(`trace ${Math.floor(i / 10)} ${kind < 5 ? kind : kind - 5}`, 32);
  if (kind < 5) {
    const platform = PLATFORMS[i % PLATFORMS.length]!;
    const text = benchEnvelope(i, ts)
      .replaceAll('"platform":"python"', `"platform":"${platform}"`)
      .replaceAll('"name":"sentry.python"', `"name":"${SDKS[platform]}"`);
    // Re-serialise with the item length recomputed after the replacements, and a trace of the pair.
    const [header, , payload] = text.split('\n');
    const event = JSON.parse(payload!);
    event.contexts.trace.trace_id = traceId;
    const body = JSON.stringify(event);
    const head = JSON.parse(header!);
    head.trace.trace_id = traceId;
    return enc.encode(`${JSON.stringify(head)}\n${JSON.stringify({ type: 'event', length: enc.encode(body).length })}\n${body}\n`);
  }
  if (kind < 8) {
    const eventId = hex(`event ${i}`, 32);
    const rootSpan = hex(`span ${i}`, 16);
    const spans = Array.from({ length: 5 }, (_, s) => ({
      trace_id: traceId,
      span_id: hex(`span ${i} ${s}`, 16),
      parent_span_id: rootSpan,
      op: s % 2 ? 'db.query' : 'http.client',
      description: s % 2 ? `SELECT * FROM items WHERE id = ${s}` : `GET /api/items/${s}`,
      start_timestamp: ts - 0.5 + s * 0.05,
      timestamp: ts - 0.45 + s * 0.05,
    }));
    const tx = {
      event_id: eventId,
      type: 'transaction',
      transaction: `/api/items/{id}#${i % 20}`,
      start_timestamp: ts - 0.6,
      timestamp: ts,
      platform: 'python',
      release: 'bench@1.0.0',
      environment: 'bench',
      contexts: { trace: { trace_id: traceId, span_id: rootSpan, op: 'http.server', status: 'ok' } },
      spans,
      sdk: { name: 'sentry.python', version: '2.75.0' },
    };
    const body = JSON.stringify(tx);
    const head = { event_id: eventId, sent_at: new Date(ts * 1000).toISOString(), trace: { trace_id: traceId, public_key: KEY, sample_rate: '1' } };
    return enc.encode(`${JSON.stringify(head)}\n${JSON.stringify({ type: 'transaction', length: enc.encode(body).length })}\n${body}\n`);
  }
  const started = new Date((ts - 30) * 1000).toISOString();
  const session = { sid: hex(`session ${i}`, 32), did: String(i % 1000), init: true, started, timestamp: new Date(ts * 1000).toISOString(), status: 'exited', errors: 0, attrs: { release: 'bench@1.0.0', environment: 'bench' } };
  return enc.encode(`${JSON.stringify({ sent_at: new Date(ts * 1000).toISOString() })}\n{"type":"session"}\n${JSON.stringify(session)}\n`);
}

/** Path of a corpus database with `count` envelopes, building it first when needed. */
export async function ensureCorpus(count: number, log: (line: string) => void = (l) => console.error(l)): Promise<string> {
  mkdirSync(CORPUS_DIR, { recursive: true });
  const path = join(CORPUS_DIR, `${RECIPE}-${count}.db`);
  const stamp = `${path}.ok`;
  if (existsSync(path) && existsSync(stamp) && readFileSync(stamp, 'utf8') === RECIPE) return path;
  const building = `${path}.building`;
  for (const suffix of ['', '-wal', '-shm']) rmSync(building + suffix, { force: true });
  const store = await openStore({ dialect: 'sqlite', path: building, synchronous: 'normal' });
  const started = performance.now();
  const baseMs = Date.now() - 3 * 86_400_000;
  const BATCH = 500;
  try {
    for (let from = 0; from < count; from += BATCH) {
      const jobs: Promise<unknown>[] = [];
      for (let i = from; i < Math.min(count, from + BATCH); i++) {
        const receivedAt = baseMs + Math.floor((i * 3 * 86_400_000) / count);
        jobs.push(capture(store, corpusEnvelope(i, receivedAt / 1000 - 0.2), receivedAt));
      }
      await Promise.all(jobs);
      if ((from / BATCH) % 200 === 0 && from > 0) {
        const rate = from / ((performance.now() - started) / 1000);
        log(`corpus: ${from.toLocaleString('en')} / ${count.toLocaleString('en')} envelopes stored (${rate.toFixed(0)}/s)`);
      }
    }
  } finally {
    await store.close();
  }
  for (const suffix of ['', '-wal', '-shm']) if (existsSync(building + suffix)) renameSync(building + suffix, path + suffix);
  writeFileSync(stamp, RECIPE);
  log(`corpus: ${count.toLocaleString('en')} envelopes in ${((performance.now() - started) / 1000).toFixed(0)} s → ${path}`);
  return path;
}

const AUTH: SentryAuth = { publicKey: KEY, carrier: 'x-sentry-auth', client: 'bench/1' };

function capture(store: Store, body: Uint8Array, receivedAt: number) {
  return ingest(
    { store, now: () => receivedAt, options: {} },
    { endpoint: 'envelope', projectId: 42, auth: AUTH, body, contentType: 'application/x-sentry-envelope', requestMeta: {} },
  );
}
