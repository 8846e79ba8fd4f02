// Starts real `undertaker` processes for end-to-end tests: from source by default,
// or the compiled binary when UNDERTAKER_BIN is set. Children are stopped by stopAll().
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Subprocess } from 'bun';

const ROOT = resolve(import.meta.dir, '../..');
const children = new Set<Subprocess>();

export function undertakerCommand(): string[] {
  const bin = process.env.UNDERTAKER_BIN;
  return bin ? [resolve(bin)] : [process.execPath, join(ROOT, 'src/cli/main.ts')];
}

export function tempDir(prefix = 'ut-e2e-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** `n` distinct loopback ports nothing listens on right now (bound together, then released), for fixed --port values. */
export function freePorts(n = 1): number[] {
  const probes = Array.from({ length: n }, () => Bun.serve({ hostname: '127.0.0.1', port: 0, fetch: () => new Response() }));
  const ports = probes.map((p) => p.port!);
  for (const p of probes) p.stop(true);
  return ports;
}

export interface ServerHandle {
  url: string;
  port: number;
  db: string;
  proc: Subprocess<'ignore', 'pipe', 'pipe'>;
  /** The server's stderr so far. */
  logs(): string;
  dsn(project: number | string, key?: string): string;
  stop(signal?: NodeJS.Signals): Promise<number>;
}

export const TEST_KEY = '0123456789abcdef0123456789abcdef';

/** Spawns `undertaker serve --port 0`, waits for its `listening on` line and a healthy /health. */
export async function startServer(opts: { db?: string; args?: string[]; env?: Record<string, string>; cwd?: string } = {}): Promise<ServerHandle> {
  const db = opts.db ?? join(tempDir(), 'capture.db');
  const proc = Bun.spawn([...undertakerCommand(), 'serve', '--port', '0', '--db', db, ...(opts.args ?? [])], {
    cwd: opts.cwd ?? ROOT,
    env: { ...process.env, ...opts.env },
    stdin: 'ignore',
    stdout: 'pipe',
    stderr: 'pipe',
  });
  children.add(proc);
  let stderr = '';
  void (async () => {
    const reader = proc.stderr.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      stderr += new TextDecoder().decode(value);
    }
  })();
  const url = await readListeningLine(proc, () => stderr);
  await waitForHealth(url);
  const port = Number(new URL(url).port);
  return {
    url,
    port,
    db,
    proc,
    logs: () => stderr,
    dsn: (project, key = TEST_KEY) => `http://${key}@127.0.0.1:${port}/${project}`,
    stop: async (signal = 'SIGTERM') => {
      proc.kill(signal);
      const code = await Promise.race([proc.exited, Bun.sleep(10_000).then(() => -1)]);
      if (code === -1) proc.kill('SIGKILL');
      children.delete(proc);
      return proc.exited;
    },
  };
}

/** Runs one CLI command to completion and returns its exit code and output. */
export async function runUndertaker(args: string[], opts: { env?: Record<string, string>; cwd?: string; timeoutMs?: number } = {}) {
  const proc = Bun.spawn([...undertakerCommand(), ...args], {
    cwd: opts.cwd ?? ROOT,
    env: { ...process.env, ...opts.env },
    stdin: 'ignore',
    stdout: 'pipe',
    stderr: 'pipe',
  });
  children.add(proc);
  const timer = setTimeout(() => proc.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
  const [stdout, stderr, code] = await Promise.all([
    new Response(proc.stdout).arrayBuffer(),
    new Response(proc.stderr).text(),
    proc.exited,
  ]);
  clearTimeout(timer);
  children.delete(proc);
  return { code, stdout: new TextDecoder().decode(stdout), stdoutBytes: new Uint8Array(stdout), stderr };
}

export async function stopAll(): Promise<void> {
  await Promise.all(
    [...children].map(async (p) => {
      p.kill('SIGTERM');
      const done = await Promise.race([p.exited.then(() => true), Bun.sleep(5000).then(() => false)]);
      if (!done) p.kill('SIGKILL');
      children.delete(p);
    }),
  );
}

// --- internal ---

async function readListeningLine(proc: Subprocess<'ignore', 'pipe', 'pipe'>, stderr: () => string): Promise<string> {
  const reader = proc.stdout.getReader();
  let out = '';
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const chunk = await Promise.race([reader.read(), proc.exited.then(() => null)]);
    if (chunk === null || chunk.done) break;
    out += new TextDecoder().decode(chunk.value);
    const m = /listening on (http:\/\/\S+)/.exec(out);
    if (m) {
      reader.releaseLock();
      return m[1]!;
    }
  }
  throw new Error(`undertaker serve did not print "listening on"; stdout: ${out}\nstderr: ${stderr()}`);
}

async function waitForHealth(url: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(`${url}/health`)).ok) return;
    } catch {}
    await Bun.sleep(50);
  }
  throw new Error(`${url}/health did not answer 200 within 15 s`);
}
