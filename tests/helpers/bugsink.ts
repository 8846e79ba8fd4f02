// Runs a real Bugsink (a Sentry-compatible server; test dependency only, PolyForm Shield licence)
// on 127.0.0.1 with SQLite in a per-run temp dir, eager digestion, no phone-home and no quotas.
// Stored events are read back straight from its SQLite file. See shared/docs/real-receivers.md §2.
import { Database } from 'bun:sqlite';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Subprocess } from 'bun';
import { RECEIVERS_VENV } from './receivers-venv.ts';
import { tempDir } from './spawn.ts';

const BIN = join(RECEIVERS_VENV, 'bin');
const START_ATTEMPTS = 3;
const READY_TIMEOUT_MS = 30_000;
const running = new Set<Subprocess>();
// A test file that crashes before its afterAll must not leave a gunicorn holding a port.
process.on('exit', () => {
  for (const proc of running) proc.kill('SIGKILL');
});

export interface BugsinkProject {
  id: number;
  /** As Bugsink builds it: http://<32 hex key>@127.0.0.1:<port>/<id>. */
  dsn: string;
}

export interface StoredEvent {
  /** 32 lower-case hex, no dashes (the envelope header's event_id as Bugsink keeps it). */
  eventId: string;
  /** The event's own timestamp, epoch microseconds. */
  timestampUs: number;
  ingestedAtUs: number;
  /** The stored event JSON. */
  data: Record<string, unknown>;
}

export interface BugsinkHandle {
  url: string;
  port: number;
  dir: string;
  /** Creates a project non-interactively (Django shell, ~1–2 s) and returns its DSN. */
  createProject(name: string): Promise<BugsinkProject>;
  /** Every event stored for the project, oldest digest first. */
  events(projectId: number): StoredEvent[];
  /** Bugsink's stderr so far (gunicorn and Django logs), for failure messages. */
  logs(): string;
  stop(): Promise<void>;
}

/** Settings module written per run; values per real-receivers.md §2.1 (not Bugsink's template). */
function writeConfig(dir: string, port: number): void {
  const conf = `# Written by tests/helpers/bugsink.ts for one test run.
from bugsink.settings.default import *  # noqa: F401,F403

SECRET_KEY = ${JSON.stringify(crypto.randomUUID() + crypto.randomUUID())}
TIME_ZONE = "UTC"
SNAPPEA = {"TASK_ALWAYS_EAGER": True}  # digest inside the ingest request: stored before the 200
EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
DATABASES["default"]["NAME"] = ${JSON.stringify(join(dir, 'db.sqlite3'))}
DATABASES["snappea"]["NAME"] = ${JSON.stringify(join(dir, 'snappea.sqlite3'))}
_NO_LIMIT = 10**9
BUGSINK = {
    "BASE_URL": "http://127.0.0.1:${port}",
    "PHONEHOME": False,
    "INGEST_STORE_BASE_DIR": ${JSON.stringify(join(dir, 'ingest'))},
    "KEEP_ENVELOPES": 1000,  # table ingest_envelope: what arrived, for debugging a failed test
    # VALIDATE_ON_DIGEST stays "none": "strict" drops legacy events whose top-level "message" is a
    # string, which old SDKs send and Relay accepts (its JSON schema lacks the legacy aliases).
    **{f"MAX_EVENTS{scope}_PER_{window}": _NO_LIMIT
       for scope in ("", "_PER_PROJECT") for window in ("5_MINUTES", "HOUR", "MONTH")},
}
`;
  writeFileSync(join(dir, 'bugsink_conf.py'), conf);
}

function childEnv(dir: string): Record<string, string> {
  // No proxy variables (loopback only) and the settings module from the run dir.
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: process.env.HOME ?? dir,
    DJANGO_SETTINGS_MODULE: 'bugsink_conf',
    PYTHONPATH: dir,
    PYTHONDONTWRITEBYTECODE: '1',
  };
}

async function manage(dir: string, args: string[]): Promise<string> {
  const proc = Bun.spawn([join(BIN, 'bugsink-manage'), ...args], { cwd: dir, env: childEnv(dir), stdin: 'ignore', stdout: 'pipe', stderr: 'pipe' });
  const timer = setTimeout(() => proc.kill('SIGKILL'), 120_000);
  const [out, err, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  clearTimeout(timer);
  if (code !== 0) throw new Error(`bugsink-manage ${args.join(' ')} exited ${code}\n${out}\n${err}`);
  return out;
}

/** A port free right now; gunicorn may still lose it to another process, hence the retry in startBugsink. */
function probeFreePort(): number {
  const probe = Bun.listen({ hostname: '127.0.0.1', port: 0, socket: { data() {} } });
  const { port } = probe;
  probe.stop(true);
  return port;
}

/** Ready once gunicorn says it bound the port (not another process answering there) and Bugsink answers. */
async function waitReady(port: number, proc: Subprocess, stderr: () => string): Promise<boolean> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline && proc.exitCode === null) {
    try {
      if (stderr().includes(`Listening at: http://127.0.0.1:${port} `) && (await fetch(`http://127.0.0.1:${port}/health/ready`)).status === 200) return true;
    } catch {}
    await Bun.sleep(100);
  }
  return false;
}

async function serve(dir: string): Promise<{ proc: Subprocess<'ignore', 'ignore', 'pipe'>; port: number; logs: () => string }> {
  let last = '';
  for (let attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
    const port = probeFreePort();
    writeConfig(dir, port);
    // gunicorn, as Bugsink runs in production: one worker keeps digestion serial, and unlike
    // Django's runserver it accepts chunked bodies. No control socket: its default path is one
    // per user (~/.gunicorn), which parallel runs would fight over.
    const cmd = [join(BIN, 'gunicorn'), '--bind', `127.0.0.1:${port}`, '--workers', '1', '--threads', '4', '--timeout', '60', '--graceful-timeout', '3', '--no-control-socket', 'bugsink.wsgi'];
    const proc = Bun.spawn(cmd, { cwd: dir, env: childEnv(dir), stdin: 'ignore', stdout: 'ignore', stderr: 'pipe' });
    let stderr = '';
    void (async () => {
      const reader = proc.stderr.getReader();
      for (let r = await reader.read(); !r.done; r = await reader.read()) stderr += new TextDecoder().decode(r.value);
    })();
    running.add(proc);
    if (await waitReady(port, proc, () => stderr)) return { proc, port, logs: () => stderr };
    await halt(proc);
    last = stderr;
  }
  throw new Error(`Bugsink did not become ready after ${START_ATTEMPTS} attempts; last stderr:\n${last}`);
}

async function halt(proc: Subprocess): Promise<void> {
  // SIGINT is gunicorn's quick shutdown; SIGTERM would wait for idle keep-alive connections, and
  // a SIGKILLed master leaves its worker behind for a while.
  proc.kill('SIGINT');
  if (!(await Promise.race([proc.exited.then(() => true), Bun.sleep(10_000).then(() => false)]))) proc.kill('SIGKILL');
  await proc.exited;
  running.delete(proc);
}

/** "2026-08-01 12:34:56.789000" (naive UTC, fraction optional) → epoch microseconds. */
export function parseBugsinkTime(text: string): number {
  const m = /^(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d)(?:\.(\d{1,6}))?$/.exec(text);
  if (!m) throw new Error(`unexpected Bugsink datetime: ${text}`);
  return Date.parse(`${m[1]}T${m[2]}Z`) * 1000 + Number((m[3] ?? '').padEnd(6, '0'));
}

function readEvents(dbPath: string, projectId: number): StoredEvent[] {
  // A short-lived connection that only reads: WAL lets it read while gunicorn writes, and holding
  // no transaction open keeps Bugsink's checkpoints unblocked. Not opened read-only: Django closes
  // its connection after each request, SQLite then removes the -wal/-shm files, and a read-only
  // connection cannot recreate them (SQLITE_BUSY).
  const db = new Database(dbPath);
  try {
    db.exec('PRAGMA busy_timeout = 5000');
    const rows = db
      .query('SELECT event_id, timestamp, ingested_at, data FROM events_event WHERE project_id = ? ORDER BY digest_order')
      .all(projectId) as { event_id: string; timestamp: string; ingested_at: string; data: string }[];
    return rows.map((r) => ({
      eventId: r.event_id.replaceAll('-', '').toLowerCase(),
      timestampUs: parseBugsinkTime(r.timestamp),
      ingestedAtUs: parseBugsinkTime(r.ingested_at),
      data: JSON.parse(r.data) as Record<string, unknown>,
    }));
  } finally {
    db.close();
  }
}

/** Migrates a fresh database (seconds: call once per test file), then serves it with gunicorn. */
export async function startBugsink(): Promise<BugsinkHandle> {
  const dir = tempDir('ut-bugsink-');
  mkdirSync(join(dir, 'ingest'), { mode: 0o700 });
  writeConfig(dir, 0);
  await manage(dir, ['migrate', '--noinput']);
  await manage(dir, ['migrate', 'snappea', '--database=snappea', '--noinput']);
  const { proc, port, logs } = await serve(dir);
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    port,
    dir,
    logs,
    async createProject(name) {
      // --no-imports: otherwise Django 5.2's shell prints an "objects imported" banner on stdout.
      const code = [
        'from projects.models import Project',
        `p = Project.objects.create(name=${JSON.stringify(name)}, retention_max_event_count=100000)`,
        'print("BUGSINK_PROJECT", p.id, p.dsn)',
      ].join('\n');
      const out = await manage(dir, ['shell', '--no-imports', '-c', code]);
      const m = /^BUGSINK_PROJECT (\d+) (\S+)$/m.exec(out);
      if (!m) throw new Error(`could not read the project from bugsink-manage shell output:\n${out}`);
      return { id: Number(m[1]), dsn: m[2]! };
    },
    events: (projectId) => readEvents(join(dir, 'db.sqlite3'), projectId),
    async stop() {
      await halt(proc);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
