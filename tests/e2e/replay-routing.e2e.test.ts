// Routing, history, the self-replay guard and schedules as a user meets them: real `undertaker`
// processes (from source, or the binary with UNDERTAKER_BIN), real HTTP between them.
import { afterAll, beforeAll, describe, expect, it } from 'bun:test';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { envelopeBody } from '../helpers/replay-fixtures.ts';
import { freePorts, runUndertaker, type ServerHandle, startServer, stopAll, TEST_KEY, tempDir, undertakerCommand } from '../helpers/spawn.ts';

const KEY = '0123456789abcdef0123456789abcdef';
const DEST = 'fedcba9876543210fedcba9876543210';
const now = () => Date.now() / 1000;

async function capture(server: ServerHandle, project: number, platform: string, message: string) {
  const res = await fetch(`${server.url}/api/${project}/envelope/?sentry_key=${KEY}`, { method: 'POST', body: envelopeBody({ type: 'event', ts: now() - 30, platform, message }) });
  expect(res.status).toBe(200);
}

async function listJson(db: string, args: string[] = ['events', 'list']): Promise<any[]> {
  const out = await runUndertaker([...args, '--json', '--db', db]);
  expect(out.code).toBe(0);
  return JSON.parse(out.stdout);
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value !== undefined) return value;
    await Bun.sleep(100);
  }
  throw new Error(`timed out waiting for ${what}`);
}

function writeConfig(text: string): string {
  const path = join(tempDir('ut-cfg-'), 'routes.yaml');
  writeFileSync(path, text);
  return path;
}

describe('replay with a routing config', () => {
  let source: ServerHandle;
  let python: ServerHandle;
  let other: ServerHandle;
  let config: string;

  beforeAll(async () => {
    [source, python, other] = await Promise.all([startServer(), startServer(), startServer()]);
    await capture(source, 1, 'python', 'py one');
    await capture(source, 2, 'go', 'go one');
    await capture(source, 1, 'python', 'py two');
    await capture(source, 3, 'java', 'unrouted');
    config = writeConfig(
      [
        'datasets:',
        '  backend: { projects: [2] }',
        'routes:',
        '  - name: python',
        '    match: { platform: python }',
        `    to: http://${DEST}@127.0.0.1:${python.port}/11`,
        '  - match: { dataset: backend }',
        `    to: [http://${DEST}@127.0.0.1:${other.port}/12]`,
        'replay:',
        '  environment: demo',
        '  tags: { team: replay }',
      ].join('\n'),
    );
  }, 60_000);
  afterAll(stopAll);

  it('sends each source to its route, prints a JSON summary and records the run', async () => {
    const out = await runUndertaker(['replay', '--config', config, '--json', '--db', source.db]);
    expect(out.code).toBe(0);
    const summary = JSON.parse(out.stdout);
    expect(summary).toMatchObject({ status: 'succeeded', error: null, selected: 3, sent: 3, accepted: 3, rejected: 0, failed: 0, rate_limited: 0, skipped: 0, unrouted: 1, by_status: { '200': 3 }, dry_run: false, stopped: false });
    const py = await listJson(python.db);
    const go = await listJson(other.db);
    expect(py.map((e) => e.title).sort()).toEqual(['py one', 'py two']);
    expect(go.map((e) => [e.title, e.project_id, e.environment])).toEqual([['go one', 12, 'demo']]);

    const runs = await listJson(source.db, ['replays', 'list']);
    expect(runs[0]).toMatchObject({ id: summary.run_id, status: 'succeeded', trigger: 'cli', selected: 3, accepted: 3 });
    const shown = (await runUndertaker(['replays', 'show', String(summary.run_id), '--json', '--db', source.db])).stdout;
    const outcomes = JSON.parse(shown).outcomes as any[];
    expect(outcomes.map((o) => o.new_event_id).sort()).toEqual([...py, ...go].map((e) => e.event_id).sort());
    const table = await runUndertaker(['replays', 'show', String(summary.run_id), '--db', source.db]);
    expect(table.stdout).toMatch(/ENVELOPE\s+OUTCOME\s+HTTP\s+TRIES\s+NEW EVENT ID\s+DESTINATION\s+REASON/);
  });

  it('tags replayed data with the run id and the config tags', async () => {
    const runs = await listJson(source.db, ['replays', 'list']);
    const event = JSON.parse((await runUndertaker(['events', 'show', '1', '--json', '--db', other.db])).stdout);
    expect(event.items[0].payload.tags).toEqual({ 'undertaker.run': String(runs[0].id), team: 'replay' });
  });

  it('exits 2 naming the key path of a config error', async () => {
    const bad = writeConfig(`routes:\n  - match: { platform: 5 }\n    to: http://${DEST}@127.0.0.1:9/1\n`);
    const out = await runUndertaker(['replay', '--config', bad, '--db', source.db]);
    expect(out.code).toBe(2);
    expect(out.stderr).toContain(`${bad} is not a valid replay config:\n  routes[0].match.platform: expected string, received number`);
  });

  it("refuses to replay into its own capture server unless forced", async () => {
    const self = `http://${DEST}@127.0.0.1:${source.port}/1`;
    const refused = await runUndertaker(['replay', '--dsn', self, '--db', source.db]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(`refusing to replay into ${self}: it is the capture address 127.0.0.1:${source.port} of the Undertaker writing into the database this replay reads`);
    const viaName = await runUndertaker(['replay', '--dsn', self.replace('127.0.0.1', 'localhost'), '--db', source.db]);
    expect(viaName.code).toBe(2);
    const before = (await listJson(source.db)).length;
    const forced = await runUndertaker(['replay', '--dsn', self, '--force', '--type', 'error', '--platform', 'go', '--db', source.db]);
    expect(forced.code).toBe(0);
    expect((await listJson(source.db)).length).toBe(before + 1);
  });

  it('explains a bad --cron and a conflicting schedule with exit 2', async () => {
    const cron = await runUndertaker(['replay', '--config', config, '--cron', 'hourly', '--db', source.db]);
    expect(cron.code).toBe(2);
    expect(cron.stderr).toContain('--cron: "hourly" is not a cron expression');
    const both = await runUndertaker(['replay', '--config', config, '--cron', '* * * * *', '--every', '1m', '--db', source.db]);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('--every and --cron cannot be combined');
  });
});

describe('scheduled replays', () => {
  afterAll(stopAll);

  it('runs `replay --every` unattended without overlap and exits 0 on SIGTERM', async () => {
    const [source, target] = await Promise.all([startServer(), startServer()]);
    await capture(source, 1, 'python', 'scheduled');
    const proc = Bun.spawn([...undertakerCommand(), 'replay', '--dsn', target.dsn(5, DEST), '--every', '1s', '--json', '--db', source.db], { stdout: 'pipe', stderr: 'pipe' });
    const runs = await waitFor('two scheduled runs', async () => {
      const list = await listJson(source.db, ['replays', 'list']);
      return list.filter((r) => r.status === 'succeeded').length >= 2 ? list : undefined;
    });
    proc.kill('SIGTERM');
    expect(await Promise.race([proc.exited, Bun.sleep(10_000).then(() => 'hung')])).toBe(0);
    const stdout = await new Response(proc.stdout).text();
    expect(stdout.trim().split('\n').map((l) => JSON.parse(l).status)).toContain('succeeded');
    const done = (await listJson(source.db, ['replays', 'list'])).filter((r) => r.finished_at).reverse();
    for (let i = 1; i < done.length; i++) expect(Date.parse(done[i].started_at)).toBeGreaterThanOrEqual(Date.parse(done[i - 1].finished_at));
    expect(runs.every((r) => r.trigger === 'schedule')).toBe(true);
  }, 60_000);

  it('runs the schedule inside serve, shows runs through the API, and starts one on POST', async () => {
    const target = await startServer();
    const config = writeConfig(`routes:\n  - to: ${target.dsn(7, DEST)}\n`);
    const server = await startServer({ args: ['--replay-every', '1s', '--replay-config', config] });
    await capture(server, 1, 'python', 'from serve');
    const arrived = await waitFor('a scheduled replay to arrive', async () => {
      const events = await listJson(target.db);
      return events.length ? events : undefined;
    });
    expect(arrived[0].title).toBe('from serve');
    const list = await (await fetch(`${server.url}/api/replays`)).json();
    expect(list.runs.length).toBeGreaterThan(0);
    expect(list.runs.every((r: any) => r.trigger === 'schedule')).toBe(true);

    const res = await fetch(`${server.url}/api/replays`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ dsn: target.dsn(8, DEST), dryRun: true }) });
    expect(res.status).toBe(202);
    const { id } = await res.json();
    const run = await waitFor('the API run', async () => {
      const r = await (await fetch(`${server.url}/api/replays/${id}`)).json();
      return r.status === 'running' ? undefined : r;
    });
    expect(run).toMatchObject({ trigger: 'api', status: 'succeeded', selected: 1 });
    expect(run.outcomes.map((o: any) => o.outcome)).toEqual(['dry_run']);

    const self = await fetch(`${server.url}/api/replays`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ dsn: server.dsn(1, DEST) }) });
    expect(self.status).toBe(400);
    expect((await self.json()).error.message).toBeDefined();
    expect(await server.stop('SIGTERM')).toBe(0);
  }, 60_000);

  it('refuses serve --replay-every without a destination, exit 2', async () => {
    const out = await runUndertaker(['serve', '--port', '0', '--replay-every', '1h', '--db', join(tempDir(), 'x.db')]);
    expect(out.code).toBe(2);
    expect(out.stderr).toContain('--replay-every needs --replay-config FILE or --replay-dsn DSN');
  });

  it('refuses a schedule into its own capture address at start, exit 2, and leaves nothing listening', async () => {
    const [port] = freePorts() as [number];
    const out = await runUndertaker(['serve', '--port', String(port), '--replay-every', '1h', '--replay-dsn', `http://${TEST_KEY}@0.0.0.0:${port}/1`, '--db', join(tempDir(), 'x.db')]);
    expect(out.code).toBe(2);
    expect(out.stderr).toContain(`refusing to replay into http://${TEST_KEY}@0.0.0.0:${port}/1`);
    await expect(fetch(`http://127.0.0.1:${port}/health`)).rejects.toThrow();
  });
});
