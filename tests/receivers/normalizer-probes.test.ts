// Probes of Sentry's normaliser (real-receivers.md §3.7) against the pinned sentry-relay: they pin
// the behaviour the replay checks rely on, so an upgrade that changes it fails here first.
import { afterAll, beforeAll, describe, expect, it } from 'bun:test';
import { type Normalizer, SENTRY_WINDOWS, startNormalizer, type Verdict } from '../helpers/normalizer.ts';
import { skipWithoutReceivers } from '../helpers/receivers-venv.ts';

const DAY = 86_400;

function errorsOf(v: Verdict) {
  if (!v.ok) throw new Error(`normaliser raised ${v.error}: ${v.message}`);
  return v.errors.map((e) => ({ type: e.type, name: e.name }));
}

describe.skipIf(skipWithoutReceivers())('sentry-relay StoreNormalizer probes', () => {
  let n: Normalizer;
  let nowS: number;
  beforeAll(async () => {
    n = await startNormalizer({ projectId: 7 });
    nowS = Date.parse(n.receivedAt) / 1000;
  });
  afterAll(() => n?.stop());

  it('records past_timestamp for an event 31 days old and moves it to received_at', async () => {
    const v = await n.check({ timestamp: nowS - 31 * DAY, message: 'old' });
    expect(errorsOf(v)).toEqual([{ type: 'past_timestamp', name: 'timestamp' }]);
    expect(v.ok && Math.abs(v.timestamp! - nowS)).toBeLessThan(0.001);
  });

  it('records future_timestamp for an event 2 hours ahead', async () => {
    const v = await n.check({ timestamp: nowS + 2 * 3600, message: 'ahead' });
    expect(errorsOf(v)).toEqual([{ type: 'future_timestamp', name: 'timestamp' }]);
  });

  it('records nothing for the same old event without the window settings (windows are opt-in)', async () => {
    const v = await n.checkWith({ timestamp: nowS - 31 * DAY, message: 'old' }, { received_at: n.receivedAt });
    expect(errorsOf(v)).toEqual([]);
    expect(v.ok && v.timestamp).toBe(nowS - 31 * DAY);
  });

  it('ignores sent_at: no clock_drift even when sent_at is 2 hours before received_at', async () => {
    // If this starts failing, the library honours sent_at: pass each envelope's sent_at per event.
    const sentAt = new Date((nowS - 2 * 3600) * 1000).toISOString();
    const v = await n.checkWith({ timestamp: nowS - 10, message: 'in range' }, { ...SENTRY_WINDOWS, received_at: n.receivedAt, sent_at: sentAt });
    expect(errorsOf(v)).toEqual([]);
  });

  it('rejects a transaction whose end is before its start', async () => {
    const trace = { trace_id: 'a'.repeat(32), span_id: 'b'.repeat(16) };
    const v = await n.check({ type: 'transaction', start_timestamp: nowS - 9, timestamp: nowS - 10, contexts: { trace } });
    expect(v).toEqual({ ok: false, error: 'ProcessingErrorInvalidTransaction', message: 'invalid transaction event: end timestamp is smaller than start timestamp' });
  });

  it('records invalid_attribute for an unknown top-level key', async () => {
    const v = await n.check({ timestamp: nowS, message: 'x', undertaker_marker: 1 });
    expect(errorsOf(v)).toEqual([{ type: 'invalid_attribute', name: 'undertaker_marker' }]);
  });

  it('accepts a 6-day-old transaction: the 5-day metrics window is not applied by the library', async () => {
    // Hence the replay test checks transaction end timestamps against [now − 5 days, now + 60 s] itself.
    const trace = { trace_id: 'c'.repeat(32), span_id: 'd'.repeat(16) };
    const v = await n.check({ type: 'transaction', transaction: 't', start_timestamp: nowS - 6 * DAY - 1, timestamp: nowS - 6 * DAY, contexts: { trace } });
    expect(errorsOf(v)).toEqual([]);
    expect(v.ok && v.type).toBe('transaction');
  });
});
