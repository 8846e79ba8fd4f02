// Captured text printed by the CLI cannot drive the operator's terminal: escape sequences,
// OSC titles, BEL and screen clears in titles, platforms and destination replies are escaped.
import { describe, expect, it } from 'bun:test';
import { describeOutcome } from '../../src/cli/progress.ts';
import { formatTable } from '../../src/cli/table.ts';
import { printableLine, printableText } from '../../src/cli/terminal.ts';

const HOSTILE = 'boom\x1b[31mred\x1b]0;pwned\x07\x1b[2J\x9b1m\x7f';

describe('terminal output', () => {
  it('escapes every control character on one line, keeps newlines and tabs in text', () => {
    expect(printableLine(HOSTILE)).toBe('boom\\x1b[31mred\\x1b]0;pwned\\x07\\x1b[2J\\x9b1m\\x7f');
    expect(printableLine('a\nb\tc\rd')).toBe('a\\x0ab\\x09c\\x0dd');
    expect(printableText('a\nb\tc\rd\x1b')).toBe('a\nb\tc\\x0dd\\x1b');
    expect(printableLine('naïve ▶ 😀 Ωmega')).toBe('naïve ▶ 😀 Ωmega');
  });

  it('prints table cells and replay lines without raw escapes', () => {
    const table = formatTable(['ID', 'TITLE'], [['1', HOSTILE]]);
    expect(table).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f-\x9f]/);
    expect(table).toContain('boom\\x1b[31mred');
    const line = describeOutcome({
      envelopeId: 1, destination: 'http://k@127.0.0.1:9/1', at: 0, outcome: 'failed', httpStatus: 400, reason: 'bad\x1b[2J', attempts: 1,
      oldEventId: null, newEventId: null, newTraceId: null, mainType: 'error', title: HOSTILE, deltaSeconds: 0,
    });
    expect(line.endsWith('\n')).toBe(true);
    expect(line.slice(0, -1)).not.toMatch(/[\x00-\x1f\x7f-\x9f]/);
    expect(line).toContain('bad\\x1b[2J');
  });
});
