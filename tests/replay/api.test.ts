// The replay HTTP routes in process (app.handle, no port) against a real sink on 127.0.0.1.
import { afterEach, describe, expect, it } from 'bun:test';
import type { TestApp } from '../helpers/app.ts';
import { type Capture, startScriptedSink, storeWith } from '../helpers/replay-fixtures.ts';

const TS = Date.now() / 1000 - 600;
const CAPTURES: Capture[] = [
  { type: 'event', ts: TS, platform: 'python', message: 'one', trace: 'aaaabbbbccccddddeeeeffff00001111' },
  { type: 'event', ts: TS + 1, platform: 'go', message: 'two' },
];

const stops: (() => void)[] = [];
afterEach(() => {
  for (const stop of stops.splice(0)) stop();
});

function post(app: TestApp, body: unknown) {
  return app.request('/api/replays', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

async function finished(app: TestApp, id: number): Promise<any> {
  for (let i = 0; i < 200; i++) {
    const run = await (await app.request(`/api/replays/${id}`)).json();
    if (run.status !== 'running') return run;
    await Bun.sleep(10);
  }
  throw new Error(`run ${id} still running`);
}

describe('replay API', () => {
  it('starts a run at once, runs it in the background and shows it in the history', async () => {
    const sink = startScriptedSink(() => Response.json({ id: 'x' }), Date.now);
    stops.push(sink.stop);
    const app = await storeWith(CAPTURES);
    const res = await post(app, { dsn: sink.dsn, platform: 'python', release: 'calver', tags: ['demo:api'] });
    expect(res.status).toBe(202);
    const { id, status } = await res.json();
    expect(status).toBe('running');
    const run = await finished(app, id);
    expect(run).toMatchObject({ id, status: 'succeeded', trigger: 'api', selected: 1, sent: 1, accepted: 1, rate_limited: 0, by_status: { '200': 1 }, error: null });
    expect(run.options).toMatchObject({ destinations: [sink.dsn], filter: { platform: 'python' }, release: 'calver' });
    expect(run.outcomes).toEqual([
      {
        id: expect.any(Number),
        envelope_id: 1,
        destination: sink.dsn,
        at: expect.stringMatching(/^\d{4}-/),
        outcome: 'accepted',
        http_status: 200,
        reason: null,
        attempts: 1,
        old_event_id: expect.stringMatching(/^[0-9a-f]{32}$/),
        new_event_id: JSON.parse(sink.requests[0]!.body.split('\n')[0]!).event_id,
        new_trace_id: expect.stringMatching(/^[0-9a-f]{32}$/),
      },
    ]);
    const list = await (await app.request('/api/replays?limit=5')).json();
    expect(list.runs.map((r: { id: number }) => r.id)).toEqual([id]);
    expect(list.next_cursor).toBeNull();
  });

  it('pages the run list with a cursor and filters by status', async () => {
    const app = await storeWith(CAPTURES);
    for (let i = 0; i < 3; i++) await app.store.createReplayRun({ startedAt: i, trigger: 'cli', options: {} });
    await app.store.updateReplayRun(2, { status: 'failed' });
    const first = await (await app.request('/api/replays?limit=2')).json();
    expect(first.runs.map((r: { id: number }) => r.id)).toEqual([3, 2]);
    const second = await (await app.request(`/api/replays?limit=2&cursor=${first.next_cursor}`)).json();
    expect(second).toMatchObject({ runs: [{ id: 1 }], next_cursor: null });
    const failed = await (await app.request('/api/replays?status=failed')).json();
    expect(failed.runs.map((r: { id: number }) => r.id)).toEqual([2]);
  });

  it('answers 400 naming the option that is wrong, and stores nothing', async () => {
    const app = await storeWith(CAPTURES);
    const cases: [unknown, string][] = [
      [{ dsn: 'ftp://nope' }, 'invalid DSN "ftp://nope"'],
      [{}, 'replay needs a destination: dsn DSN or config FILE'],
      [{ dsn: 'http://0123456789abcdef0123456789abcdef@127.0.0.1:9/1', spread: 'soon' }, 'spread: "soon" is not a duration'],
      [{ dsn: 'http://0123456789abcdef0123456789abcdef@127.0.0.1:9/1', speed: 2 }, 'speed needs pace recorded'],
      [{ dsn: 'http://0123456789abcdef0123456789abcdef@127.0.0.1:9/1', tags: ['no colon'] }, 'tag: "no colon" needs key:value'],
      [{ routing: { routes: [{ match: { platform: 1 }, to: 'http://0123456789abcdef0123456789abcdef@127.0.0.1:9/1' }] } }, 'routes[0].match.platform: expected string, received number'],
      [{ dsn: 'x', concurrency: 0 }, 'concurrency'],
      [{ dsn: 'http://0123456789abcdef0123456789abcdef@127.0.0.1:9/1', dryrun: true }, 'dryrun'],
      [{ dsn: 'http://0123456789abcdef0123456789abcdef@127.0.0.1:9/1', dry_run: true }, 'dry_run'],
    ];
    for (const [body, message] of cases) {
      const res = await post(app, body);
      expect(res.status).toBe(400);
      const json = await res.json();
      expect(json.error.code).toBe('bad_request');
      expect(json.error.message).toContain(message);
    }
    expect(await app.store.listReplayRuns()).toEqual([]);
  });

  it('answers 404 for a run that does not exist', async () => {
    const app = await storeWith([]);
    const res = await app.request('/api/replays/99');
    expect(res.status).toBe(404);
    expect((await res.json()).error.message).toBe('no replay run with id 99');
  });

  it('identifies itself on /health and ingest responses', async () => {
    const app = await storeWith([]);
    for (const res of [await app.request('/health'), await app.request('/api/1/envelope/', { method: 'POST', body: '{}\n' })]) {
      expect(res.headers.get('x-undertaker')).toMatch(/^\d+\.\d+\.\d+/);
    }
  });
});
