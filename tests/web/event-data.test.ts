// What the event view reads from payloads of different SDKs: chained exceptions, thread stacks,
// tag pairs, string timestamps and spans whose parent is missing.
import { describe, expect, it } from 'bun:test';
import { headline, readBreadcrumbs, readExceptions, readSpans, readTags } from '../../src/web/ui/event-data.ts';

describe('event data for the view', () => {
  it('lists chained exceptions outermost first, each with its frames most recent first', () => {
    const p = {
      exception: {
        values: [
          { type: 'KeyError', value: "'x'", stacktrace: { frames: [{ abs_path: '/app/a.js', function: 'inner', lineno: 3, colno: 9 }] } },
          { type: 'RuntimeError', value: 'wrapped', mechanism: { type: 'chained', handled: true }, stacktrace: { frames: [{ module: 'app.outer', function: 'main' }, { filename: 'b.py', function: 'call', lineno: 7, in_app: true }] } },
        ],
      },
    };
    const ex = readExceptions(p);
    expect(ex.map((e) => [e.type, e.mechanism, e.handled])).toEqual([['RuntimeError', 'chained', true], ['KeyError', null, null]]);
    expect(ex[0]!.frames.map((f) => [f.file, f.fn, f.inApp])).toEqual([['b.py', 'call', true], ['app.outer', 'main', false]]);
    expect(ex[1]!.frames[0]).toEqual({ file: '/app/a.js', fn: 'inner', line: 3, col: 9, inApp: false, context: [], vars: null });
    expect(headline(p, 'fallback')).toBe('RuntimeError: wrapped');
  });

  it('falls back to a thread’s stack trace for a message event, and titles it by the message', () => {
    const p = { logentry: { formatted: 'Disk full' }, threads: { values: [{ name: 'main', stacktrace: { frames: [{ filename: 'x.go', function: 'run' }] } }] } };
    expect(readExceptions(p).map((e) => [e.type, e.value, e.frames.length])).toEqual([['Stack trace', 'main', 1]]);
    expect(headline(p, 'fallback')).toBe('Disk full');
    expect(headline({ transaction: 'GET /' }, 'fallback')).toBe('GET /');
    expect(headline({}, 'fallback')).toBe('fallback');
  });

  it('reads tags as pairs or an object, and breadcrumbs with float or RFC 3339 timestamps', () => {
    expect(readTags({ tags: [['b', '2'], ['a', 1]] })).toEqual([['a', '1'], ['b', '2']]);
    expect(readTags({ tags: { z: 'y' } })).toEqual([['z', 'y']]);
    expect(readBreadcrumbs({ breadcrumbs: [{ timestamp: '2026-07-15T08:00:00.5Z', message: 'a' }, { timestamp: 1784102400.25 }] }).map((c) => c.at)).toEqual([1784102400.5, 1784102400.25]);
  });

  it('nests spans under their parents and keeps spans whose parent is not in the payload', () => {
    const spans = readSpans({
      transaction: 'job',
      start_timestamp: 100,
      timestamp: 101,
      contexts: { trace: { span_id: 'root', op: 'task' } },
      spans: [
        { span_id: 'b', parent_span_id: 'a', op: 'db', start_timestamp: 100.5, timestamp: 100.6 },
        { span_id: 'a', parent_span_id: 'root', op: 'http', start_timestamp: 100.2, timestamp: 100.9 },
        { span_id: 'o', parent_span_id: 'gone', op: 'orphan', start_timestamp: 100.1, timestamp: 100.2 },
      ],
    });
    expect(spans.map((s) => [s.spanId, s.depth])).toEqual([['root', 0], ['a', 1], ['b', 2], ['o', 1]]);
  });
});
