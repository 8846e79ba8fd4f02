// The e2e suite every real SDK runs (tests/e2e/sdk/*.e2e.test.ts): start `undertaker serve`, run the
// SDK's `full` scenario, and assert what was stored, item by item, against what the SDK reported.
// With UNDERTAKER_REFRESH_FIXTURES=1 a fully passing run also rewrites the SDK's golden fixtures.
import { afterAll, beforeAll, describe, expect, it } from 'bun:test';
import { openStore, type Store } from '../../src/store/index.ts';
import { captureSdkRun, hexId, type SdkRun, type StoredItem } from './sdk-capture.ts';
import { SDK_SPECS, type Sdk, sdkInstallProblem } from './sdk.ts';
import { type Kind, REFRESH_FIXTURES, writeSdkFixtures } from './sdk-fixtures.ts';
import { runUndertaker, type ServerHandle, startServer, TEST_KEY } from './spawn.ts';

export interface SdkExpectation {
  /** Project id the run posts to (distinct per SDK, so rows never mix). */
  project: number;
  /** `sdk` in the scenario's result line and the first half of `sentry_client`. */
  sdkName: string;
  /** `platform` of the SDK's error events. */
  platform: string;
  /** The stored title of the standalone error. */
  errorTitle: string;
  /** Every item type the `full` scenario produces; `client_report` may come on top. */
  itemTypes: string[];
  wire: {
    authCarrier: 'x-sentry-auth' | 'query';
    /** Content-Type per endpoint used (null: none sent). Its keys are the endpoints that must be seen. */
    contentType: Partial<Record<'envelope' | 'store', string | null>>;
    contentEncoding: string | null;
    chunked: boolean;
    userAgent: string | null;
  };
  /** How the SDK spells envelope-header event ids: Rust writes dashed UUIDs. */
  headerEventIds: 'hex' | 'uuid';
  /** Kinds the SDK cannot send, with the reason (written to the fixture manifest and the docs). */
  notSent: Partial<Record<Kind, string>>;
  /** Further events the scenario reports by id: where each must be stored and under which title. */
  extraEvents?: { resultKey: 'store_error_event_id' | 'message_event_id'; endpoint: 'envelope' | 'store'; title: string }[];
}

const HEX32 = /^[0-9a-f]{32}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const OPTIONAL_TYPES = new Set(['client_report']);

export function describeSdkCapture(sdk: Sdk, exp: SdkExpectation): void {
  const spec = SDK_SPECS[sdk];
  const problem = sdkInstallProblem(sdk);
  if (problem && process.env.UNDERTAKER_REQUIRE_SDKS) throw new Error(`SDK ${sdk} is required but not installed: ${problem}`);
  if (problem) console.warn(`[sdk e2e] SKIPPING ${sdk}: ${problem}`);

  describe.skipIf(problem !== null)(`${spec.package} ${spec.version} → undertaker serve`, () => {
    let server: ServerHandle;
    let store: Store;
    let run: SdkRun;
    let passed = 0;
    const total = { count: 0 };
    const test = (name: string, body: () => void | Promise<void>, when = true) => {
      if (!when) return;
      total.count++;
      it(name, async () => {
        await body();
        passed++;
      });
    };
    const ofType = (type: string) => run.items.filter((i) => i.type === type);
    const byEventId = (id: string | undefined) => {
      const hits = run.captured.filter((c) => c.record.eventId === hexId(id));
      expect(hits).toHaveLength(1);
      return hits[0]!;
    };
    const has = (type: string) => exp.itemTypes.includes(type);

    beforeAll(async () => {
      server = await startServer();
      store = await openStore({ dialect: 'sqlite', path: server.db });
      run = await captureSdkRun(server, store, sdk, exp.project);
    }, 120_000);

    afterAll(async () => {
      if (REFRESH_FIXTURES && run && passed === total.count) {
        const dir = writeSdkFixtures(
          { sdk: spec.name, package: spec.package, version: spec.version, runtime: spec.runtime, refresh: 'npx bun scripts/refresh-sdk-fixtures.ts', not_sent: exp.notSent },
          run.captured,
        );
        console.log(`wrote ${run.captured.length} fixtures to ${dir}`);
      } else if (REFRESH_FIXTURES) {
        console.error(`not refreshing the ${sdk} fixtures: ${total.count - passed} test(s) failed`);
      }
      await store?.close();
      await server?.stop();
    });

    test('runs the pinned SDK version', () => {
      expect({ sdk: run.result.sdk, version: run.result.version }).toEqual({ sdk: exp.sdkName, version: spec.version });
    });

    test('receives every request on the endpoints, with the auth and encoding this SDK uses', () => {
      const endpoints = new Set<string>(run.captured.map((c) => c.record.endpoint));
      expect([...endpoints].sort()).toEqual(Object.keys(exp.wire.contentType).sort());
      for (const { record } of run.captured) {
        const meta = record.requestMeta;
        expect(meta.path).toBe(`/api/${exp.project}/${record.endpoint}/`);
        expect({ key: record.publicKey, carrier: meta.auth_carrier, client: meta.sentry_client }).toEqual({
          key: TEST_KEY,
          carrier: exp.wire.authCarrier,
          client: `${exp.sdkName}/${spec.version}`,
        });
        expect(meta['content-type'] ?? null).toBe(exp.wire.contentType[record.endpoint as 'envelope' | 'store'] ?? null);
        expect(meta['content-encoding'] ?? null).toBe(exp.wire.contentEncoding);
        expect(meta['transfer-encoding'] === 'chunked').toBe(exp.wire.chunked);
        expect(meta['user-agent'] ?? null).toBe(exp.wire.userAgent);
      }
    });

    test('stores exactly the item types this SDK sends', () => {
      const seen = new Set(run.items.map((i) => i.type).filter((t) => !OPTIONAL_TYPES.has(t)));
      expect([...seen].sort()).toEqual([...exp.itemTypes].sort());
    });

    test('stores the error under the event id the SDK returned, with stack trace, breadcrumb, user and tag', () => {
      expect(hexId(run.result.error_event_id)).toMatch(HEX32);
      const { record } = byEventId(run.result.error_event_id);
      expect(record).toMatchObject({
        projectId: exp.project,
        mainType: 'error',
        platform: exp.platform,
        sdkName: exp.sdkName,
        sdkVersion: spec.version,
        release: 'harness@1.0.0',
        environment: 'test',
        title: exp.errorTitle,
      });
      expectErrorContext(eventItem(run, run.result.error_event_id), 'error');
    });

    test(`writes envelope-header event ids as ${exp.headerEventIds === 'uuid' ? 'dashed UUIDs' : '32 hex digits'}`, () => {
      const headerIds = run.captured.filter((c) => c.record.endpoint === 'envelope').map((c) => envelopeHeaderId(c.record.body)).filter((id) => id !== undefined);
      expect(headerIds.length).toBeGreaterThan(0);
      for (const id of headerIds) expect(id).toMatch(exp.headerEventIds === 'uuid' ? UUID : HEX32);
    }, usesEnvelopes(exp));

    test('keeps the attachment byte for byte in the error envelope', () => {
      const [attachment] = ofType('attachment');
      expect(attachment!.entry.record.eventId).toBe(hexId(run.result.error_event_id));
      expect(new TextDecoder().decode(attachment!.item.payload)).toBe('harness attachment\n');
      expect(attachment!.entry.items.find((i) => i.type === 'attachment')).toMatchObject({ filename: 'harness.txt', length: 19 });
    }, has('attachment'));

    test('links the transaction, its two child spans and the error inside it through one trace id', () => {
      expect(hexId(run.result.trace_id)).toMatch(HEX32);
      const traceId = hexId(run.result.trace_id);
      const tx = ofType('transaction').find((i) => i.json?.transaction === 'job')!;
      if (run.result.transaction_event_id) expect(tx.entry.record.eventId).toBe(hexId(run.result.transaction_event_id));
      expect(tx.entry.record).toMatchObject({ mainType: 'transaction', traceId, title: 'job', sdkVersion: spec.version });
      expect(tx.json.contexts.trace.op).toBe('task');
      // sentry-sdk 1.x now and then records its own envelope POST (sent while the transaction is open)
      // as a third http.client span: that is what the SDK sent, so it is kept but not required.
      const spans = tx.json.spans.filter((s: any) => !String(s.description).startsWith(`POST ${server.url}/api/`));
      expect(spans.map((s: any) => `${s.op} ${s.description}`).sort()).toEqual(['db.query SELECT 1', 'http.client GET /child']);
      for (const span of tx.json.spans) expect(hexId(span.trace_id)).toBe(traceId);
      expect(byEventId(run.result.transaction_error_event_id).record.traceId).toBe(traceId);
      expectErrorContext(eventItem(run, run.result.transaction_error_event_id), 'transaction');
    }, has('transaction'));

    test('stores both cron check-ins under the check-in id the SDK returned', () => {
      const checkIns = ofType('check_in');
      // SDKs that send concurrently (Node) may deliver the closing check-in first.
      expect(checkIns.map((c) => c.json.status).sort()).toEqual(['in_progress', 'ok']);
      for (const c of checkIns) {
        expect(hexId(c.json.check_in_id)).toBe(hexId(run.result.check_in_id));
        expect(c.json.monitor_slug).toBe('harness-job');
        expect(c.entry.items[0]!.ids?.check_in_id).toBe(c.json.check_in_id);
      }
      expect(checkIns.find((c) => c.json.status === 'ok')!.json.duration).toBe(1.5);
    }, has('check_in'));

    test('stores the release-health session', () => {
      const sessions = ofType('session');
      expect(sessions.length).toBeGreaterThan(0);
      for (const s of sessions) expect(s.json.attrs).toMatchObject({ release: 'harness@1.0.0', environment: 'test' });
      expect(sessions[0]!.json.init).toBe(true);
    }, has('session'));

    test('stores the request-mode session aggregates of the two served requests', () => {
      const [aggregate] = ofType('sessions');
      expect(aggregate!.json.attrs).toMatchObject({ release: 'harness@1.0.0', environment: 'test' });
      expect(aggregate!.json.aggregates.reduce((n: number, a: any) => n + (a.exited ?? 0), 0)).toBe(2);
    }, has('sessions'));

    test('stores the log record', () => {
      const logs = ofType('log').flatMap((i) => i.json.items);
      expect(logs.some((l: any) => l.level === 'info' && String(l.body).startsWith('harness log'))).toBe(true);
    }, has('log'));

    test('stores the counter metric', () => {
      const names = [...ofType('trace_metric').flatMap((i) => i.json.items.map((m: any) => m.name)), ...ofType('statsd').map((i) => new TextDecoder().decode(i.item.payload).split('@')[0])];
      expect(names).toContain('harness.jobs');
    }, has('trace_metric') || has('statsd'));

    test('stores the user feedback, linked to the error', () => {
      const { record } = byEventId(run.result.feedback_event_id);
      expect(record).toMatchObject({ mainType: 'feedback', title: 'harness feedback', itemTypes: ['feedback'] });
      const feedback = ofType('feedback')[0]!.json.contexts.feedback;
      expect(hexId(feedback.associated_event_id)).toBe(hexId(run.result.error_event_id));
    }, has('feedback'));

    test('stores the profile of the transaction', () => {
      const [profile] = ofType('profile');
      const linked = profile!.json.transactions ?? [profile!.json.transaction];
      expect(hexId(linked[0].trace_id)).toBe(hexId(run.result.trace_id));
      expect(profile!.json.profile.samples.length).toBeGreaterThan(1);
      expect(profile!.entry.record.eventId).toBe(hexId(run.result.transaction_event_id));
    }, has('profile'));

    for (const extra of exp.extraEvents ?? []) {
      test(`stores the ${extra.resultKey.replaceAll('_', ' ')} from the ${extra.endpoint} endpoint`, () => {
        expect(hexId(run.result[extra.resultKey])).toMatch(HEX32);
        const { record } = byEventId(run.result[extra.resultKey]);
        expect(record).toMatchObject({ endpoint: extra.endpoint, mainType: 'error', title: extra.title, platform: exp.platform, sdkVersion: spec.version });
      });
    }

    test('lists the same envelopes through `undertaker events list --json`', async () => {
      const listed = await runUndertaker(['events', 'list', '--json', '--project', String(exp.project), '--limit', '500', '--db', server.db]);
      expect(listed.code).toBe(0);
      const rows = (JSON.parse(listed.stdout) as { id: number; event_id: string | null; type: string }[]).reverse();
      expect(rows.map((r) => [r.id, r.event_id, r.type])).toEqual(run.captured.map((c) => [c.record.id, c.record.eventId, c.record.mainType]));
    });
  });
}

// --- internal ---

function usesEnvelopes(exp: SdkExpectation): boolean {
  return 'envelope' in exp.wire.contentType;
}

/** The raw `event_id` of an envelope header line, exactly as the SDK wrote it. */
function envelopeHeaderId(body: Uint8Array): string | undefined {
  const end = body.indexOf(0x0a);
  const header = JSON.parse(new TextDecoder().decode(end === -1 ? body : body.subarray(0, end)));
  return typeof header.event_id === 'string' ? header.event_id : undefined;
}

function eventItem(run: SdkRun, eventId: string | undefined): StoredItem {
  const hit = run.items.find((i) => i.type === 'event' && hexId(i.json?.event_id) === hexId(eventId));
  if (!hit) throw new Error(`no stored event ${eventId}`);
  return hit;
}

function expectErrorContext({ json: event }: StoredItem, tag: string): void {
  expect(event.release).toBe('harness@1.0.0');
  expect(event.user?.id).toBe('42');
  expect(event.tags?.['harness.scenario'] ?? tagFromList(event.tags, 'harness.scenario')).toBe(tag);
  const crumbs: any[] = Array.isArray(event.breadcrumbs) ? event.breadcrumbs : (event.breadcrumbs?.values ?? []);
  expect(crumbs.some((b) => b.category === 'auth' && b.message === 'user logged in')).toBe(true);
  const frames = stackFrames(event).map((f) => String(f.function ?? ''));
  // A real stack of the scenario: the frame that raised, or (Go, Rust) the one that captured.
  expect(frames.some((f) => /fail|capture_?error|run_?transaction/i.test(f))).toBe(true);
}

/** Frames of the exception stack traces (`values` list or Go's bare list), else of the threads. */
function stackFrames(event: any): any[] {
  const exceptions: any[] = Array.isArray(event.exception) ? event.exception : (event.exception?.values ?? []);
  const frames = exceptions.flatMap((e) => e.stacktrace?.frames ?? []);
  if (frames.length > 0) return frames;
  const threads: any[] = Array.isArray(event.threads) ? event.threads : (event.threads?.values ?? []);
  return threads.flatMap((t) => t.stacktrace?.frames ?? []);
}

/** Some SDKs send tags as `[[key, value], …]`. */
function tagFromList(tags: unknown, key: string): unknown {
  return Array.isArray(tags) ? tags.find((t) => Array.isArray(t) && t[0] === key)?.[1] : undefined;
}
