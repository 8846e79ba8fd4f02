/**
 * Replay output on stderr: a progress bar redrawn in place on a terminal (problems still get their
 * own line), or one line per envelope when stderr is a file or a pipe (logs).
 */
import { printableLine } from './terminal.ts';
import type { DeliveryOutcome } from '../replay/recorder.ts';

const WIDTH = 24;
const REDRAW_MS = 100;

export interface ReplayProgress {
  planned(total: number): void;
  outcome(o: DeliveryOutcome): void;
  waiting(info: { until: number; envelopes: number }): void;
  /** Ends the bar's line. */
  done(): void;
}

/** `quiet`: without a terminal, lines only for envelopes that were not accepted (a scheduled run's log). */
export function createProgress(write: (text: string) => void, opts: { tty: boolean; quiet?: boolean; now?: () => number }): ReplayProgress {
  const now = opts.now ?? Date.now;
  let total = 0;
  let done = 0;
  let bad = 0;
  let lastDraw = 0;
  let drawn = false;
  const draw = (force = false) => {
    if (!opts.tty || (!force && now() - lastDraw < REDRAW_MS)) return;
    lastDraw = now();
    const filled = total ? Math.round((done / total) * WIDTH) : WIDTH;
    const pct = total ? Math.floor((done / total) * 100) : 100;
    write(`\r\x1b[K[${'#'.repeat(filled)}${'.'.repeat(WIDTH - filled)}] ${done}/${total} ${pct}%${bad ? `, ${bad} not accepted` : ''}`);
    drawn = true;
  };
  const line = (text: string) => {
    write(`${drawn ? '\r\x1b[K' : ''}${text}\n`);
    drawn = false;
    draw(true);
  };
  return {
    planned(n) {
      total = n;
      draw(true);
    },
    outcome(o) {
      done++;
      if (o.outcome !== 'accepted' && o.outcome !== 'dry_run') bad++;
      if (!opts.tty) {
        if (!opts.quiet || (o.outcome !== 'accepted' && o.outcome !== 'dry_run')) write(describeOutcome(o));
      }
      else if (o.outcome === 'accepted' || o.outcome === 'dry_run') draw();
      else line(describeOutcome(o).trimEnd());
    },
    waiting({ until, envelopes }) {
      const seconds = Math.max(0, Math.ceil((until - now()) / 1000));
      const text = `waiting ${seconds}s for a rate limit to pass, then retrying ${envelopes} held envelope(s)`;
      if (opts.tty) line(text);
      else write(`${text}\n`);
    },
    done() {
      if (!opts.tty) return;
      draw(true);
      write('\n');
    },
  };
}

/** One line per outcome; titles, ids and reasons come from captures and destinations, so control characters are escaped. */
export function describeOutcome(o: DeliveryOutcome): string {
  return `${printableLine(outcomeLine(o))}\n`;
}

function outcomeLine(o: DeliveryOutcome): string {
  const what = `#${o.envelopeId} ${o.mainType}${o.title ? ` "${o.title.slice(0, 60)}"` : ''}`;
  const ids = o.newEventId ? ` event ${o.oldEventId ?? '-'} → ${o.newEventId}` : '';
  const to = ` → ${o.destination}`;
  switch (o.outcome) {
    case 'dry_run':
      return `would send ${what}${ids} shifted ${formatShift(o.deltaSeconds)}${to}`;
    case 'accepted':
      return `sent ${what}${ids}${to} ${o.httpStatus}${o.reason ? ` (${o.reason})` : ''}`;
    case 'skipped':
      return `skip ${what}: ${o.reason}`;
    case 'rate_limited':
      return `RATE LIMITED ${what}${to}: ${o.reason}`;
    default:
      return `FAILED ${what}${ids}${to} ${o.httpStatus ?? 'no response'} ${o.reason ?? ''}`;
  }
}

function formatShift(seconds: number): string {
  const abs = Math.abs(seconds);
  const text = abs >= 86_400 ? `${(abs / 86_400).toFixed(1)}d` : abs >= 3600 ? `${(abs / 3600).toFixed(1)}h` : `${abs}s`;
  return `${seconds < 0 ? '-' : '+'}${text}`;
}
