// Real SDKs (Python sentry-sdk 2.x, @sentry/node 11) against a running `undertaker serve`.
import { afterAll, beforeAll, describe, expect, it } from 'bun:test';
import { runSdkScenario, type ScenarioResult, sdkInstallProblem } from '../helpers/sdk.ts';
import { runUndertaker, type ServerHandle, startServer, stopAll, TEST_KEY } from '../helpers/spawn.ts';

interface ListedEvent {
  id: number;
  project_id: number;
  public_key: string | null;
  event_id: string | null;
  type: string;
  item_types: string[];
  platform: string | null;
  sdk: string | null;
  sdk_version: string | null;
  trace_id: string | null;
  release: string | null;
  environment: string | null;
  title: string | null;
}

const EXPECTED = {
  python: { platform: 'python', sdk: 'sentry.python', version: '2.75.0', errorTitle: 'ValueError: harness boom' },
  node: { platform: 'node', sdk: 'sentry.javascript.node', version: '11.12.0', errorTitle: 'Error: harness boom' },
} as const;

let server: ServerHandle;
beforeAll(async () => {
  server = await startServer();
});
afterAll(stopAll);

// The `all` scenario of the two SDKs that have it; every SDK's `full` scenario is in tests/e2e/sdk/.
for (const sdk of ['python', 'node'] as const) {
  const problem = sdkInstallProblem(sdk);
  if (problem && process.env.UNDERTAKER_REQUIRE_SDKS) throw new Error(`SDK ${sdk} is required but not installed: ${problem}`);
  describe.skipIf(problem !== null)(`${sdk} SDK → undertaker serve`, () => {
    let result: ScenarioResult;
    let rows: ListedEvent[];
    const project = sdk === 'python' ? 11 : 12;

    beforeAll(async () => {
      result = await runSdkScenario(sdk, 'all', server.dsn(project));
      const listed = await runUndertaker(['events', 'list', '--json', '--project', String(project), '--limit', '100', '--db', server.db]);
      expect(listed.code).toBe(0);
      rows = JSON.parse(listed.stdout) as ListedEvent[];
    });

    it('stores the error with the event id the SDK returned and its parsed fields', () => {
      const row = rows.find((r) => r.event_id === result.error_event_id);
      expect(row).toMatchObject({
        project_id: project,
        public_key: TEST_KEY,
        type: 'error',
        item_types: ['event'],
        platform: EXPECTED[sdk].platform,
        sdk: EXPECTED[sdk].sdk,
        sdk_version: EXPECTED[sdk].version,
        release: 'harness@1.0.0',
        environment: 'test',
        title: EXPECTED[sdk].errorTitle,
      });
    });

    it('stores the transaction and the error inside it under one shared trace id', () => {
      const tx = rows.find((r) => r.event_id === result.transaction_event_id);
      const inner = rows.find((r) => r.event_id === result.transaction_error_event_id);
      expect(tx).toMatchObject({ type: 'transaction', item_types: ['transaction'], title: 'job', platform: EXPECTED[sdk].platform, trace_id: result.trace_id });
      expect(inner).toMatchObject({ type: 'error', trace_id: result.trace_id });
    });

    it('keeps the transaction spans as the SDK sent them', async () => {
      const tx = rows.find((r) => r.event_id === result.transaction_event_id)!;
      const shown = await runUndertaker(['events', 'show', String(tx.id), '--json', '--db', server.db]);
      const payload = (JSON.parse(shown.stdout) as { items: { payload: { spans: { op: string; trace_id: string }[] } }[] }).items[0]!.payload;
      expect(payload.spans.length).toBe(2);
      expect(payload.spans.every((s) => s.trace_id === result.trace_id)).toBe(true);
    });
  });
}
