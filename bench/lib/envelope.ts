// A realistic error envelope for benchmarks: exception with 10 frames, 10 breadcrumbs, contexts and tags (~2.5 KB).
import { randomUUID } from 'node:crypto';

export function benchEnvelope(i: number, now = Date.now() / 1000): string {
  const eventId = randomUUID().replaceAll('-', '');
  const traceId = randomUUID().replaceAll('-', '');
  const frames = Array.from({ length: 10 }, (_, f) => ({
    filename: `app/services/mod_${f}.py`,
    function: `handle_${f}`,
    lineno: 40 + f * 7,
    in_app: f > 2,
  }));
  const breadcrumbs = Array.from({ length: 10 }, (_, b) => ({
    timestamp: now - 60 + b,
    category: b % 2 ? 'http' : 'query',
    level: 'info',
    message: b % 2 ? `GET /api/items/${b}` : `SELECT 1 FROM t WHERE id=${b}`,
  }));
  const event = {
    event_id: eventId,
    timestamp: now,
    platform: 'python',
    level: 'error',
    release: 'bench@1.0.0',
    environment: 'bench',
    server_name: `worker-${i % 8}`,
    exception: { values: [{ type: 'ValueError', value: `invalid payload #${i}`, stacktrace: { frames } }] },
    breadcrumbs: { values: breadcrumbs },
    contexts: {
      os: { name: 'Linux', version: '6.1' },
      runtime: { name: 'CPython', version: '3.11.7' },
      trace: { trace_id: traceId, span_id: traceId.slice(0, 16) },
    },
    tags: { region: 'eu', shard: String(i % 16), customer: `c${i % 100}` },
    user: { id: String(i % 1000) },
    sdk: { name: 'sentry.python', version: '2.75.0' },
  };
  const payload = JSON.stringify(event);
  const header = JSON.stringify({ event_id: eventId, sent_at: new Date(now * 1000).toISOString(), sdk: event.sdk, trace: { trace_id: traceId, public_key: '0123456789abcdef0123456789abcdef' } });
  return `${header}\n${JSON.stringify({ type: 'event', length: Buffer.byteLength(payload) })}\n${payload}\n`;
}
