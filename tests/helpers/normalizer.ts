// Drives tests/helpers/normalizer.py: Sentry's own StoreNormalizer (sentry-relay) in one long-running
// Python process, one JSON event per line in, one verdict per line out. See real-receivers.md §3.
import { join } from 'node:path';
import { RECEIVERS_PYTHON } from './receivers-venv.ts';

export interface NormalizerError {
  /** past_timestamp, future_timestamp, clock_drift, invalid_data, invalid_attribute, value_too_long… */
  type: string;
  /** The field path, e.g. `timestamp` or `breadcrumbs.values.0.type`. */
  name?: string;
  [extra: string]: unknown;
}

export type Verdict =
  | { ok: true; errors: NormalizerError[]; type: string | null; timestamp: number | null; received_at: string; meta: Record<string, unknown> }
  /** `error` is the RelayError subclass, e.g. ProcessingErrorInvalidTransaction. */
  | { ok: false; error: string; message: string };

/** Sentry's DEFAULT_STORE_NORMALIZER_ARGS, for probes that build their own normaliser. */
export const SENTRY_WINDOWS = { max_secs_in_future: 60, max_secs_in_past: 30 * 86_400, enable_trimming: true, normalize_user_agent: true };

export interface Normalizer {
  /** `received_at` of the default normaliser: fixed when the helper started, as one Relay receiving a batch. */
  receivedAt: string;
  /** Normalises one event with Sentry's settings (SENTRY_WINDOWS, project_id, received_at). */
  check(event: unknown): Promise<Verdict>;
  /** Normalises with a normaliser built from exactly `config` (project_id and received_at default as above). */
  checkWith(event: unknown, config: Record<string, unknown>): Promise<Verdict>;
  stop(): Promise<void>;
}

const HELPER = join(import.meta.dir, 'normalizer.py');

export async function startNormalizer(opts: { projectId?: number; receivedAt?: string } = {}): Promise<Normalizer> {
  const args = [RECEIVERS_PYTHON, HELPER, String(opts.projectId ?? 1), ...(opts.receivedAt ? [opts.receivedAt] : [])];
  const proc = Bun.spawn(args, { stdin: 'pipe', stdout: 'pipe', stderr: 'pipe', env: { PATH: process.env.PATH ?? '/usr/bin:/bin', PYTHONDONTWRITEBYTECODE: '1' } });
  const stderr = new Response(proc.stderr).text();
  const lines = readLines(proc.stdout);
  const failed = async (why: string) => {
    const err = await Promise.race([stderr, Bun.sleep(2_000).then(() => '(still running)')]);
    return new Error(`normalizer helper ${why}; stderr:\n${err}`);
  };

  const first = await lines.next();
  if (first.done) throw await failed('exited before it was ready');
  const ready = JSON.parse(first.value) as { ready: boolean; received_at: string };

  // Requests are answered strictly in order, so a chain of promises keeps them paired.
  let queue: Promise<unknown> = Promise.resolve();
  const ask = (request: unknown): Promise<Verdict> => {
    const answer = queue.then(async () => {
      proc.stdin.write(`${JSON.stringify(request)}\n`);
      await proc.stdin.flush();
      const line = await lines.next();
      if (line.done) throw await failed('exited mid-run');
      return JSON.parse(line.value) as Verdict;
    });
    queue = answer.catch(() => undefined);
    return answer;
  };

  return {
    receivedAt: ready.received_at,
    check: (event) => ask(event),
    checkWith: (event, config) => ask({ event, config }),
    async stop() {
      await proc.stdin.end();
      const done = await Promise.race([proc.exited.then(() => true), Bun.sleep(5_000).then(() => false)]);
      if (!done) proc.kill('SIGKILL');
    },
  };
}

async function* readLines(stream: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  const decoder = new TextDecoder();
  let buffered = '';
  const reader = stream.getReader();
  for (let r = await reader.read(); !r.done; r = await reader.read()) {
    buffered += decoder.decode(r.value, { stream: true });
    let newline = buffered.indexOf('\n');
    while (newline !== -1) {
      const line = buffered.slice(0, newline);
      buffered = buffered.slice(newline + 1);
      if (line.trim() !== '') yield line;
      newline = buffered.indexOf('\n');
    }
  }
}
