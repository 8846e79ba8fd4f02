// Proves the real-SDK harness itself: each SDK scenario runs against a recording sink (not
// Undertaker), and what arrives on the wire is checked against what the scenario printed.
// Needs `bash tests/setup/install-sdks.sh` first; an SDK that is not installed is skipped with the
// reason printed.

import { describe, expect, test } from 'bun:test';
import {
  type EnvelopeItem,
  type ParsedEnvelope,
  type RecordedRequest,
  parseEnvelope,
  SINK_PUBLIC_KEY,
  startRecordingSink,
} from '../helpers/recording-sink.ts';
import { type ScenarioOptions, type ScenarioResult, runSdkScenario, sdkInstallProblem } from '../helpers/sdk.ts';

/** The SDKs whose wire format this file pins down; the others are covered by tests/e2e/sdk/. */
type Sdk = 'python' | 'node';
const SDKS: readonly Sdk[] = ['python', 'node'];

const PROJECT_ID = 1;
const HEX32 = /^[0-9a-f]{32}$/;
const TEST_TIMEOUT_MS = 90_000;

/** What each SDK puts on the wire, as observed (see the harness doc, §0.1). */
const WIRE: Record<
  Sdk,
  {
    sdkName: string;
    version: string;
    auth: 'header' | 'query';
    contentType: string | null;
    contentEncoding: string | null;
    chunked: boolean;
    errorType: string;
    scenarioFile: string;
    /** Items sent besides the scenario's events and transactions. */
    extraItems: string[];
  }
> = {
  python: {
    sdkName: 'sentry.python',
    version: '2.75.0',
    auth: 'header',
    contentType: 'application/x-sentry-envelope',
    contentEncoding: 'gzip', // forced by the scenario; the SDK default is br when brotli imports
    chunked: false,
    errorType: 'ValueError',
    scenarioFile: 'scenario.py',
    extraItems: [],
  },
  node: {
    sdkName: 'sentry.javascript.node',
    version: '11.12.0',
    auth: 'query',
    contentType: null,
    contentEncoding: null, // gzip only above 32 KiB
    chunked: true,
    errorType: 'Error',
    scenarioFile: 'scenario.mjs',
    // The process session, ended explicitly by the scenario before flush.
    extraItems: ['session'],
  },
};

interface Captured {
  result: ScenarioResult;
  requests: RecordedRequest[];
  envelopes: ParsedEnvelope[];
}

async function capture(sdk: Sdk, scenario: string, opts?: ScenarioOptions): Promise<Captured> {
  const sink = await startRecordingSink();
  try {
    const result = await runSdkScenario(sdk, scenario, sink.dsn(PROJECT_ID), opts);
    // The SDKs flush before printing, so everything is already recorded; copy it before stop().
    const requests = [...sink.requests];
    return { result, requests, envelopes: requests.map((r) => parseEnvelope(r.body)) };
  } finally {
    sink.stop();
  }
}

function authFields(req: RecordedRequest): Record<string, string> {
  const header = req.headers['x-sentry-auth'];
  if (!header) return {};
  expect(header.startsWith('Sentry ')).toBe(true);
  return Object.fromEntries(
    header
      .slice('Sentry '.length)
      .split(',')
      .map((pair) => pair.trim().split('=') as [string, string]),
  );
}

function expectTransport(sdk: Sdk, req: RecordedRequest): void {
  const wire = WIRE[sdk];
  expect(req.method).toBe('POST');
  expect(req.path).toBe(`/api/${PROJECT_ID}/envelope/`);
  const expectedAuth = {
    sentry_key: SINK_PUBLIC_KEY,
    sentry_version: '7',
    sentry_client: `${wire.sdkName}/${wire.version}`,
  };
  if (wire.auth === 'header') {
    expect(authFields(req)).toEqual(expectedAuth);
    expect(req.query).toEqual({});
  } else {
    expect(req.query).toEqual(expectedAuth);
    expect(req.headers['x-sentry-auth']).toBeUndefined();
  }
  expect(req.headers['user-agent']).toBe(`${wire.sdkName}/${wire.version}`);
  expect(req.headers['content-type'] ?? null).toBe(wire.contentType);
  expect(req.contentEncoding).toBe(wire.contentEncoding);
  expect(req.decodeError).toBeUndefined();
  expect(req.chunked).toBe(wire.chunked);
  if (wire.chunked) {
    expect(req.headers['content-length']).toBeUndefined();
  } else {
    expect(req.headers['content-length']).toBe(String(req.rawBody.length));
  }
}

function allItems(envelopes: ParsedEnvelope[]): Array<{ envelope: ParsedEnvelope; item: EnvelopeItem }> {
  return envelopes.flatMap((envelope) => envelope.items.map((item) => ({ envelope, item })));
}

function itemTypes(envelopes: ParsedEnvelope[]): string[] {
  return allItems(envelopes)
    .map(({ item }) => String(item.header.type))
    .sort();
}

/** The one item whose payload event_id is `eventId`, with its envelope. */
function findByEventId(envelopes: ParsedEnvelope[], eventId: string) {
  const hits = allItems(envelopes).filter(({ item }) => (item.json as { event_id?: string })?.event_id === eventId);
  expect(hits).toHaveLength(1);
  return hits[0]!;
}

type Json = any;

function expectError(sdk: Sdk, envelopes: ParsedEnvelope[], eventId: string | undefined, tag: string): Json {
  const wire = WIRE[sdk];
  expect(eventId).toMatch(HEX32);
  const { envelope, item } = findByEventId(envelopes, eventId!);
  expect(item.header.type).toBe('event');
  expect(envelope.header.event_id).toBe(eventId);
  expect(envelope.items).toHaveLength(1);
  const event: Json = item.json;
  expect(event.release).toBe('harness@1.0.0');
  expect(event.environment).toBe('test');
  expect(event.user?.id).toBe('42');
  expect(event.tags?.['harness.scenario']).toBe(tag);
  const breadcrumbs: Json[] = Array.isArray(event.breadcrumbs) ? event.breadcrumbs : event.breadcrumbs?.values;
  expect(breadcrumbs.some((b) => b.category === 'auth' && b.message === 'user logged in')).toBe(true);
  const exception = event.exception.values.at(-1);
  expect(exception.type).toBe(wire.errorType);
  expect(exception.value).toBe('harness boom');
  const frames: Json[] = exception.stacktrace.frames;
  expect(frames.some((f) => String(f.abs_path ?? f.filename).endsWith(wire.scenarioFile) && f.function?.includes('fail'))).toBe(
    true,
  );
  return event;
}

function expectTransaction(envelopes: ParsedEnvelope[], result: ScenarioResult): Json {
  expect(result.transaction_event_id).toMatch(HEX32);
  expect(result.trace_id).toMatch(HEX32);
  const { envelope, item } = findByEventId(envelopes, result.transaction_event_id!);
  expect(item.header.type).toBe('transaction');
  expect(envelope.header.event_id).toBe(result.transaction_event_id);
  expect((envelope.header.trace as Json)?.trace_id).toBe(result.trace_id);
  const tx: Json = item.json;
  expect(tx.type).toBe('transaction');
  expect(tx.transaction).toBe('job');
  expect(tx.release).toBe('harness@1.0.0');
  expect(tx.contexts.trace.trace_id).toBe(result.trace_id);
  expect(tx.contexts.trace.op).toBe('task');
  expect(tx.spans.map((s: Json) => s.op).sort()).toEqual(['db.query', 'http.client']);
  for (const span of tx.spans) {
    expect(span.trace_id).toBe(result.trace_id);
    expect(span.parent_span_id).toBe(tx.contexts.trace.span_id);
  }
  return tx;
}

function expectAllHexIds(envelopes: ParsedEnvelope[]): void {
  for (const envelope of envelopes) {
    if (envelope.header.event_id !== undefined) expect(envelope.header.event_id).toMatch(HEX32);
  }
}

for (const sdk of SDKS) {
  const problem = sdkInstallProblem(sdk);
  if (problem) console.warn(`[sdk harness] SKIPPING ${sdk} SDK tests: ${problem}`);
  const wire = WIRE[sdk];

  describe.skipIf(problem !== null)(`real ${sdk} SDK (${wire.sdkName} ${wire.version})`, () => {
    test(
      'error: one event envelope with breadcrumb, user, tag and a real stack trace',
      async () => {
        const { result, requests, envelopes } = await capture(sdk, 'error');
        expect(result.sdk).toBe(wire.sdkName);
        expect(result.version).toBe(wire.version);
        expect(Object.keys(result).sort()).toEqual(['error_event_id', 'sdk', 'version']);
        for (const req of requests) expectTransport(sdk, req);
        expect(itemTypes(envelopes)).toEqual(['event', ...wire.extraItems].sort());
        expectAllHexIds(envelopes);
        expectError(sdk, envelopes, result.error_event_id, 'error');
      },
      TEST_TIMEOUT_MS,
    );

    test(
      'transaction: transaction with two child spans and an error sharing its trace id',
      async () => {
        const { result, requests, envelopes } = await capture(sdk, 'transaction');
        expect(Object.keys(result).sort()).toEqual(['error_event_id', 'sdk', 'trace_id', 'transaction_event_id', 'version']);
        for (const req of requests) expectTransport(sdk, req);
        expect(itemTypes(envelopes)).toEqual(['event', 'transaction', ...wire.extraItems].sort());
        expectAllHexIds(envelopes);
        expectTransaction(envelopes, result);
        const event = expectError(sdk, envelopes, result.error_event_id, 'transaction');
        expect(event.contexts.trace.trace_id).toBe(result.trace_id);
        const { envelope } = findByEventId(envelopes, result.error_event_id!);
        expect((envelope.header.trace as Json)?.trace_id).toBe(result.trace_id);
      },
      TEST_TIMEOUT_MS,
    );

    test(
      'all: both scenarios in one process',
      async () => {
        const { result, requests, envelopes } = await capture(sdk, 'all');
        for (const req of requests) expectTransport(sdk, req);
        expect(itemTypes(envelopes)).toEqual(['event', 'event', 'transaction', ...wire.extraItems].sort());
        expectError(sdk, envelopes, result.error_event_id, 'error');
        const inner = expectError(sdk, envelopes, result.transaction_error_event_id, 'transaction');
        expect(inner.contexts.trace.trace_id).toBe(result.trace_id);
        expectTransaction(envelopes, result);
      },
      TEST_TIMEOUT_MS,
    );

    test(
      'a failing scenario throws with its stderr',
      async () => {
        const sink = await startRecordingSink();
        try {
          await expect(runSdkScenario(sdk, 'no-such-scenario', sink.dsn())).rejects.toThrow(/exited with code 2[\s\S]*usage/);
          expect(sink.requests).toHaveLength(0);
        } finally {
          sink.stop();
        }
      },
      TEST_TIMEOUT_MS,
    );
  });
}

describe.skipIf(sdkInstallProblem('python') !== null)('python compression switch', () => {
  test(
    'UNDERTAKER_PY_COMPRESSION=none sends an uncompressed body',
    async () => {
      const { result, requests, envelopes } = await capture('python', 'error', {
        env: { UNDERTAKER_PY_COMPRESSION: 'none' },
      });
      expect(requests).toHaveLength(1);
      expect(requests[0]!.contentEncoding).toBeNull();
      expect(requests[0]!.headers['content-length']).toBe(String(requests[0]!.rawBody.length));
      expectError('python', envelopes, result.error_event_id, 'error');
    },
    TEST_TIMEOUT_MS,
  );
});
