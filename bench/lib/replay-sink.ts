// The replay benchmarks' destination: a counting sink (bench/sink.ts) in its own process, and
// `undertaker replay` run against it, measured (wall time, peak RSS).
import { resolve } from 'node:path';
import { runMeasured, spawnServer } from './proc.ts';

const SINK = resolve(import.meta.dir, '../sink.ts');

/** Runs `run` against a fresh sink (its envelope URL and a DSN for it); reports how many envelopes it received. */
export async function withSink<T>(run: (url: string, dsn: string) => Promise<T>): Promise<{ result: T; received: number }> {
  const { proc, url } = await spawnServer([process.execPath, SINK]);
  try {
    const result = await run(`${url}/api/1/envelope/`, `http://fedcba9876543210fedcba9876543210@${url.slice('http://'.length)}/1`);
    const { count } = (await (await fetch(url)).json()) as { count: number };
    return { result, received: count };
  } finally {
    proc.kill('SIGTERM');
    await proc.exited;
  }
}

export interface ReplayRun {
  accepted: number;
  seconds: number;
  rssMiB: number;
}

/** `undertaker replay` of the oldest `limit` envelopes of `db` into `dsn` at `concurrency`; throws when it fails. */
export async function replayInto(undertaker: string[], dsn: string, db: string, limit: number, concurrency: number): Promise<ReplayRun> {
  const r = await runMeasured([...undertaker, 'replay', '--dsn', dsn, '--db', db, '--limit', String(limit), '--concurrency', String(concurrency), '--json']);
  if (r.code !== 0) throw new Error(`replay of ${limit} failed (exit ${r.code}): ${r.stderr.slice(-2000)}\n${r.stdout.slice(-2000)}`);
  const { accepted } = JSON.parse(r.stdout) as { accepted: number };
  return { accepted, seconds: r.wallMs / 1000, rssMiB: r.peakRssMiB };
}
