/**
 * Reads what the event page shows out of an event or transaction payload: exceptions with
 * their frames, breadcrumbs, tags, contexts and the span tree. Pure and tolerant: SDKs differ.
 * @see https://develop.sentry.dev/sdk/data-model/event-payloads/
 */
import type { JsonObject } from '../../envelope/types.ts';
import { parseTimestamp } from '../../replay/time.ts';

export interface Frame {
  /** Shown as the frame's location: filename, else module, else abs_path. */
  file: string;
  fn: string | null;
  line: number | null;
  col: number | null;
  inApp: boolean;
  /** Source around the line: [line number, code, is the frame's own line]. */
  context: [number | null, string, boolean][];
  vars: JsonObject | null;
}

export interface ExceptionView {
  type: string;
  value: string | null;
  module: string | null;
  mechanism: string | null;
  handled: boolean | null;
  /** Most recent call first, as Sentry shows them. */
  frames: Frame[];
}

export interface Crumb {
  /** Epoch seconds, or null when the SDK sent none. */
  at: number | null;
  type: string | null;
  category: string | null;
  level: string | null;
  message: string | null;
  data: JsonObject | null;
}

export interface SpanRow {
  spanId: string;
  op: string | null;
  description: string | null;
  status: string | null;
  depth: number;
  start: number;
  end: number;
}

/** Exceptions newest (outermost) first; falls back to a thread's stack trace when there is none. */
export function readExceptions(p: JsonObject): ExceptionView[] {
  const values = list(obj(p.exception)?.values ?? p.exception);
  const out = values.map(obj).filter((e): e is JsonObject => e !== null).reverse().map(toException);
  if (out.length) return out;
  const thread = list(obj(p.threads)?.values ?? p.threads).map(obj).find((t) => t && obj(t.stacktrace));
  return thread ? [{ type: 'Stack trace', value: str(thread.name), module: null, mechanism: null, handled: null, frames: readFrames(obj(thread.stacktrace)) }] : [];
}

export function readBreadcrumbs(p: JsonObject): Crumb[] {
  return list(obj(p.breadcrumbs)?.values ?? p.breadcrumbs)
    .map(obj)
    .filter((b): b is JsonObject => b !== null)
    .map((b) => ({ at: parseTimestamp(b.timestamp), type: str(b.type), category: str(b.category), level: str(b.level), message: str(b.message), data: obj(b.data) }));
}

/** Tags as sorted pairs; SDKs send an object or a list of [key, value] pairs. */
export function readTags(p: JsonObject): [string, string][] {
  const pairs: [string, unknown][] = Array.isArray(p.tags)
    ? p.tags.filter((x): x is [string, unknown] => Array.isArray(x) && typeof x[0] === 'string').map((x) => [x[0], x[1]])
    : Object.entries(obj(p.tags) ?? {});
  return pairs.map(([k, v]): [string, string] => [k, typeof v === 'string' ? v : JSON.stringify(v)]).sort((a, b) => a[0].localeCompare(b[0]));
}

/** The transaction's own span and its children as a depth-first tree, times in epoch seconds. */
export function readSpans(p: JsonObject): SpanRow[] {
  const trace = obj(obj(p.contexts)?.trace);
  const rootStart = parseTimestamp(p.start_timestamp);
  const rootEnd = parseTimestamp(p.timestamp);
  const spans = list(p.spans).map(obj).filter((s): s is JsonObject => s !== null);
  const rootId = str(trace?.span_id) ?? '';
  const rows: SpanRow[] = [];
  if (rootStart !== null && rootEnd !== null) {
    rows.push({ spanId: rootId, op: str(trace?.op), description: str(p.transaction), status: str(trace?.status), depth: 0, start: rootStart, end: rootEnd });
  }
  const children = new Map<string, JsonObject[]>();
  for (const s of spans) {
    const parent = str(s.parent_span_id) ?? rootId;
    children.set(parent, [...(children.get(parent) ?? []), s]);
  }
  const seen = new Set<string>([rootId]);
  const walk = (parent: string, depth: number) => {
    const kids = (children.get(parent) ?? []).sort((a, b) => (parseTimestamp(a.start_timestamp) ?? 0) - (parseTimestamp(b.start_timestamp) ?? 0));
    for (const s of kids) {
      const id = str(s.span_id) ?? '';
      if (seen.has(id)) continue; // a cycle in bad data must not loop forever
      seen.add(id);
      const start = parseTimestamp(s.start_timestamp);
      const end = parseTimestamp(s.timestamp) ?? start;
      if (start !== null && end !== null) rows.push({ spanId: id, op: str(s.op), description: str(s.description), status: str(s.status), depth, start, end });
      walk(id, depth + 1);
    }
  };
  walk(rootId, 1);
  // Spans whose parent is not in the payload still belong on the timeline.
  for (const s of spans) if (!seen.has(str(s.span_id) ?? '')) walk(str(s.parent_span_id) ?? '', 1);
  return rows;
}

/** The line a person reads first: `Type: value`, the message, or the transaction name. */
export function headline(p: JsonObject, fallback: string): string {
  const e = readExceptions(p).find((x) => x.type !== 'Stack trace');
  if (e) return e.value ? `${e.type}: ${e.value}` : e.type;
  const message = str(obj(p.logentry)?.formatted) ?? str(obj(p.logentry)?.message) ?? str(p.message) ?? str(obj(p.message)?.formatted);
  return message ?? str(p.transaction) ?? fallback;
}

export function obj(v: unknown): JsonObject | null {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as JsonObject) : null;
}

export function str(v: unknown): string | null {
  return typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : null;
}

// --- internal ---

function toException(e: JsonObject): ExceptionView {
  const mech = obj(e.mechanism);
  return {
    type: str(e.type) ?? 'Error',
    value: str(e.value),
    module: str(e.module),
    mechanism: str(mech?.type),
    handled: typeof mech?.handled === 'boolean' ? mech.handled : null,
    frames: readFrames(obj(e.stacktrace)),
  };
}

function readFrames(stacktrace: JsonObject | null): Frame[] {
  return list(stacktrace?.frames)
    .map(obj)
    .filter((f): f is JsonObject => f !== null)
    .reverse()
    .map((f) => {
      const line = num(f.lineno);
      const pre = list(f.pre_context).map(String);
      const post = list(f.post_context).map(String);
      const at = (i: number) => (line === null ? null : line + i);
      const context: Frame['context'] = [
        ...pre.map((code, i): [number | null, string, boolean] => [at(i - pre.length), code, false]),
        ...(typeof f.context_line === 'string' ? [[line, f.context_line, true] as [number | null, string, boolean]] : []),
        ...post.map((code, i): [number | null, string, boolean] => [at(i + 1), code, false]),
      ];
      return {
        file: str(f.filename) ?? str(f.module) ?? str(f.abs_path) ?? '<unknown>',
        fn: str(f.function),
        line,
        col: num(f.colno),
        inApp: f.in_app === true,
        context,
        vars: obj(f.vars),
      };
    });
}

function list(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

function num(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}
