import { describe, expect, it } from 'bun:test';
import { createProgress } from '../../src/cli/progress.ts';
import type { DeliveryOutcome } from '../../src/replay/recorder.ts';

const DEST = 'http://fedcba9876543210fedcba9876543210@127.0.0.1:9/2';

function outcome(id: number, kind: DeliveryOutcome['outcome'], over: Partial<DeliveryOutcome> = {}): DeliveryOutcome {
  return {
    envelopeId: id, destination: DEST, at: 0, outcome: kind, httpStatus: kind === 'accepted' ? 200 : 400, reason: kind === 'accepted' ? null : '{"detail":"bad"}',
    attempts: 1, oldEventId: 'a'.repeat(32), newEventId: 'b'.repeat(32), newTraceId: null, mainType: 'error', title: `boom ${id}`, deltaSeconds: 90_000, ...over,
  };
}

describe('replay progress', () => {
  it('redraws one bar in place on a terminal and gives problems their own line', () => {
    let out = '';
    let t = 0;
    const p = createProgress((s) => (out += s), { tty: true, now: () => (t += 1000) });
    p.planned(4);
    p.outcome(outcome(1, 'accepted'));
    p.outcome(outcome(2, 'rejected'));
    p.outcome(outcome(3, 'accepted'));
    p.done();
    const frames = out.split('\r\x1b[K').filter(Boolean);
    expect(frames).toEqual([
      '[........................] 0/4 0%',
      '[######..................] 1/4 25%',
      `FAILED #2 error "boom 2" event ${'a'.repeat(32)} → ${'b'.repeat(32)} → ${DEST} 400 {"detail":"bad"}\n`,
      '[############............] 2/4 50%, 1 not accepted',
      '[##################......] 3/4 75%, 1 not accepted',
      '[##################......] 3/4 75%, 1 not accepted\n',
    ]);
  });

  it('prints one line per envelope when stderr is not a terminal', () => {
    let out = '';
    const p = createProgress((s) => (out += s), { tty: false });
    p.planned(2);
    p.outcome(outcome(1, 'accepted'));
    p.outcome(outcome(2, 'dry_run'));
    p.waiting({ until: Date.now() + 30_000, envelopes: 3 });
    p.done();
    expect(out).toBe(
      `sent #1 error "boom 1" event ${'a'.repeat(32)} → ${'b'.repeat(32)} → ${DEST} 200\n` +
        `would send #2 error "boom 2" event ${'a'.repeat(32)} → ${'b'.repeat(32)} shifted +1.0d → ${DEST}\n` +
        'waiting 30s for a rate limit to pass, then retrying 3 held envelope(s)\n',
    );
  });

  it('prints only envelopes that were not accepted with --quiet', () => {
    let out = '';
    const p = createProgress((s) => (out += s), { tty: false, quiet: true });
    p.planned(3);
    p.outcome(outcome(1, 'accepted'));
    p.outcome(outcome(2, 'dry_run'));
    p.outcome({ ...outcome(3, 'accepted'), outcome: 'rejected', httpStatus: 400, reason: 'bad envelope' });
    p.done();
    expect(out.split('\n').filter(Boolean)).toEqual([expect.stringMatching(/^FAILED #3 error "boom 3" .* 400 bad envelope$/)]);
  });
});
