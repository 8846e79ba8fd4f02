// Crash safety: every envelope that got a 200 survives SIGKILL; a full disk gives 503, never a 200.
import { afterAll, describe, expect, it } from 'bun:test';
import { Database } from 'bun:sqlite';
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type ServerHandle, startServer, stopAll, tempDir } from '../helpers/spawn.ts';

afterAll(stopAll);

function envelope(eventId: string, padding = 0): string {
  const payload = JSON.stringify({ event_id: eventId, message: `crash test ${eventId}`, platform: 'python', level: 'error', extra: { pad: 'x'.repeat(padding) } });
  return `{"event_id":"${eventId}","sent_at":"${new Date().toISOString()}"}\n{"type":"event","length":${Buffer.byteLength(payload)}}\n${payload}\n`;
}

function storedIds(db: string): string[] {
  const conn = new Database(db, { readonly: true });
  try {
    return (conn.query('select event_id from envelopes').all() as { event_id: string }[]).map((r) => r.event_id);
  } finally {
    conn.close();
  }
}

describe('crash safety', () => {
  it('keeps every acknowledged envelope exactly once across 20 SIGKILLs under concurrent load', async () => {
    const db = join(tempDir(), 'crash.db');
    let server: ServerHandle = await startServer({ db });
    const acknowledged = new Set<string>();
    let sent = 0;
    let running = true;
    let seq = 0;
    // 16 SDK-like clients, each posting unique event ids back to back until the kills are done.
    const client = async (n: number) => {
      while (running && sent < 200_000) {
        const eventId = `${n.toString(16).padStart(4, '0')}${(seq++).toString(16).padStart(28, '0')}`;
        sent++;
        try {
          const res = await fetch(`${server.url}/api/1/envelope/`, { method: 'POST', body: envelope(eventId) });
          if (res.status === 200 && ((await res.json()) as { id?: string }).id === eventId) acknowledged.add(eventId);
        } catch {
          await Bun.sleep(5); // the server is down between a kill and its restart
        }
      }
    };
    const clients = Array.from({ length: 16 }, (_, n) => client(n));
    for (let kill = 0; kill < 20; kill++) {
      await Bun.sleep(150 + Math.floor(Math.random() * 250));
      server.proc.kill('SIGKILL');
      await server.proc.exited;
      server = await startServer({ db });
    }
    running = false;
    await Promise.all(clients);
    expect(await server.stop('SIGTERM')).toBe(0);

    const ids = storedIds(db);
    const counts = new Map<string, number>();
    for (const id of ids) counts.set(id, (counts.get(id) ?? 0) + 1);
    const missing = [...acknowledged].filter((id) => !counts.has(id));
    const duplicated = [...counts].filter(([, n]) => n > 1);
    expect(acknowledged.size).toBeGreaterThan(200);
    expect(missing).toEqual([]);
    expect(duplicated).toEqual([]);
    const conn = new Database(db, { readonly: true });
    expect(conn.query('PRAGMA integrity_check').get()).toEqual({ integrity_check: 'ok' });
    conn.close();
  }, 180_000);
});

describe('disk full', () => {
  const mountPoint = join(tempDir('ut-tinyfs-'), 'fs');
  afterAll(() => {
    try {
      execFileSync('umount', [mountPoint]);
    } catch {}
  });

  it('answers 503 with a clear detail when the database cannot grow, and never 200 for unstored data', async () => {
    mkdirSync(mountPoint, { recursive: true });
    // A 3 MiB tmpfs stands in for a full disk (tests run as root, as CI does).
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=3m', 'tmpfs', mountPoint]);
    const db = join(mountPoint, 'full.db');
    const server = await startServer({ db });
    const acknowledged: string[] = [];
    let refusal: { status: number; body: { detail?: string } } | null = null;
    for (let i = 0; i < 400 && !refusal; i++) {
      const eventId = i.toString(16).padStart(32, '0');
      const res = await fetch(`${server.url}/api/1/envelope/`, { method: 'POST', body: envelope(eventId, 40_000) });
      if (res.status === 200) acknowledged.push(eventId);
      else refusal = { status: res.status, body: (await res.json()) as { detail?: string } };
    }
    expect(refusal?.status).toBe(503);
    expect(refusal?.body.detail).toContain('disk holding the database is full');
    expect(acknowledged.length).toBeGreaterThan(5);
    // The server is still up and answers further requests with the same clear 503.
    const again = await fetch(`${server.url}/api/1/envelope/`, { method: 'POST', body: envelope('f'.repeat(32), 40_000) });
    expect(again.status).toBe(503);
    const health = await fetch(`${server.url}/health`);
    expect(health.status).toBe(503);
    expect(((await health.json()) as { detail: string }).detail).toContain('disk holding the database is full');
    await server.stop('SIGTERM');
    const stored = new Set(storedIds(db));
    expect(acknowledged.filter((id) => !stored.has(id))).toEqual([]);
    expect(stored.has('f'.repeat(32))).toBe(false);
  }, 60_000);
});
