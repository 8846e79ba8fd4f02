/**
 * Forwarding settings of `serve`: a mode and upstream DSN per captured project id, the spool's
 * bounds, the backoff cap and the SIGTERM drain timeout. From a YAML/JSON file (zod-validated,
 * errors name the key path) and from flags, which win per project and per setting.
 */
import { z } from 'zod';
import { parseDsn } from '../envelope/dsn.ts';
import { FORWARD_MODES, type ForwardMode, type ForwardRoute, type ForwardRoutes } from '../forward/entry.ts';
import { byteSize } from '../ingest/limits.ts';
import { ConfigError } from '../shared/errors.ts';
import { parseDuration } from './duration.ts';
import { readConfigFile } from './file.ts';
import { DSN, formatIssues } from './replay-config.ts';

export interface SpoolBounds {
  maxRows: number;
  maxBytes: number;
  maxAgeMs: number;
}

export interface ForwardSettings {
  routes: ForwardRoutes;
  spool: SpoolBounds;
  drainTimeoutMs: number;
  maxBackoffMs: number;
  /** A config file was given (an empty one forwards nothing, which deserves a warning). */
  configured?: boolean;
}

export const DEFAULT_SPOOL: Readonly<SpoolBounds> = Object.freeze({ maxRows: 100_000, maxBytes: 1024 ** 3, maxAgeMs: 3 * 86_400_000 });
export const DEFAULT_DRAIN_TIMEOUT_MS = 10_000;
export const DEFAULT_MAX_BACKOFF_MS = 30_000;

const SOURCE_KEY = /^(\d+|\*)$/;

const duration = (allowZero: boolean) =>
  z.unknown().transform((value, ctx) => {
    if (allowZero && (value === 0 || value === '0')) return 0;
    try {
      if (typeof value !== 'string') throw new Error();
      return parseDuration(value);
    } catch {
      ctx.addIssue({ code: 'custom', message: `${JSON.stringify(value)} is not a duration; write e.g. 10s, 5m, 1h or 3d` });
      return z.NEVER;
    }
  });

const SOURCE = z.strictObject({ mode: z.enum(FORWARD_MODES).optional(), upstream: DSN.optional() });

export const FORWARD_CONFIG_SCHEMA = z.strictObject({
  sources: z.record(z.string().regex(SOURCE_KEY, 'expected a project id or "*"'), SOURCE).optional(),
  spool: z.strictObject({ max_rows: z.number().int().positive().optional(), max_bytes: byteSize.optional(), max_age: duration(false).optional() }).optional(),
  drain_timeout: duration(true).optional(),
  max_backoff: duration(false).optional(),
});

export type ForwardConfigFile = z.output<typeof FORWARD_CONFIG_SCHEMA>;

/** Validates a parsed config value; `source` names it in errors. */
export function parseForwardConfig(value: unknown, source: string): ForwardConfigFile {
  const result = FORWARD_CONFIG_SCHEMA.safeParse(value);
  if (result.success) return result.data;
  throw new ConfigError(`${source} is not a valid forward config:\n${formatIssues(result.error.issues)}`);
}

/** Reads and validates a YAML (or JSON) forward config file. */
export function loadForwardConfig(path: string): ForwardConfigFile {
  return parseForwardConfig(readConfigFile(path, 'forward config'), path);
}

/** Flag values as given (`--forward 1=DSN`, `--forward-mode 1=forward`, …); each wins over the file. */
export interface ForwardFlags {
  forward?: string[];
  forwardMode?: string[];
  spoolMaxRows?: number;
  spoolMaxBytes?: string;
  spoolMaxAge?: string;
  drainTimeout?: string;
}

/** Merges the file (optional, named `source` in errors) and the flags into the settings in force. */
export function resolveForwardSettings(file: ForwardConfigFile | undefined, flags: ForwardFlags, source = 'the forward config'): ForwardSettings {
  const routes = new Map<string, ForwardRoute & { modeFrom?: string; upstreamFrom?: string }>();
  for (const [key, s] of Object.entries(file?.sources ?? {})) {
    routes.set(key, { mode: s.mode ?? (s.upstream ? 'record+forward' : 'record'), upstream: s.upstream, modeFrom: `${source}: sources.${key}.mode`, upstreamFrom: `${source}: sources.${key}` });
  }
  const modes = new Map((flags.forwardMode ?? []).map((spec) => parseModeFlag(spec)));
  const given = new Set<string>();
  for (const spec of flags.forward ?? []) {
    const [key, upstream] = splitSpec('--forward', spec, 'PROJECT=DSN, e.g. 1=https://<key>@o1.ingest.sentry.io/42');
    if (given.has(key)) throw new ConfigError(`--forward: project ${key} is given twice; one upstream per project`);
    given.add(key);
    try {
      parseDsn(upstream);
    } catch (error) {
      throw new ConfigError(`--forward ${key}=…: ${(error as Error).message}`);
    }
    const before = routes.get(key);
    const mode = before && before.mode !== 'record' ? before.mode : 'record+forward';
    routes.set(key, { mode, upstream, modeFrom: before?.modeFrom, upstreamFrom: `--forward ${key}=…` });
  }
  for (const [key, mode] of modes) routes.set(key, { ...routes.get(key), mode, modeFrom: `--forward-mode ${key}=${mode}` });
  for (const [key, route] of routes) {
    if (route.mode !== 'record' && !route.upstream) {
      throw new ConfigError(`${route.modeFrom ?? key}: project ${key} has mode ${route.mode} but no upstream DSN; add --forward ${key}=DSN (or sources.${key}.upstream in the config file)`);
    }
  }
  return {
    configured: file !== undefined,
    routes: new Map([...routes].map(([key, r]) => [key, { mode: r.mode, ...(r.upstream ? { upstream: r.upstream } : {}) }])),
    spool: {
      maxRows: flags.spoolMaxRows ?? file?.spool?.max_rows ?? DEFAULT_SPOOL.maxRows,
      maxBytes: flags.spoolMaxBytes !== undefined ? flagSize(flags.spoolMaxBytes) : (file?.spool?.max_bytes ?? DEFAULT_SPOOL.maxBytes),
      maxAgeMs: flags.spoolMaxAge !== undefined ? parseDuration(flags.spoolMaxAge, '--spool-max-age') : (file?.spool?.max_age ?? DEFAULT_SPOOL.maxAgeMs),
    },
    drainTimeoutMs: flags.drainTimeout !== undefined ? flagDrain(flags.drainTimeout) : (file?.drain_timeout ?? DEFAULT_DRAIN_TIMEOUT_MS),
    maxBackoffMs: file?.max_backoff ?? DEFAULT_MAX_BACKOFF_MS,
  };
}

// --- internal ---

function splitSpec(flag: string, spec: string, expected: string): [string, string] {
  const eq = spec.indexOf('=');
  const key = spec.slice(0, eq).trim();
  const value = spec.slice(eq + 1).trim();
  if (eq < 0 || !SOURCE_KEY.test(key) || !value) throw new ConfigError(`${flag}: "${spec.replace(/:[^:@/]*@/, ':***@')}" is not ${expected} (PROJECT is a project id or *)`);
  return [key, value];
}

function parseModeFlag(spec: string): [string, ForwardMode] {
  const [key, mode] = splitSpec('--forward-mode', spec, `PROJECT=MODE with MODE one of ${FORWARD_MODES.join(', ')}`);
  if (!(FORWARD_MODES as readonly string[]).includes(mode)) throw new ConfigError(`--forward-mode ${key}=${mode}: the mode must be one of ${FORWARD_MODES.join(', ')}`);
  return [key, mode as ForwardMode];
}

function flagSize(text: string): number {
  const parsed = byteSize.safeParse(/^\d+$/.test(text) ? Number(text) : text);
  if (!parsed.success) throw new ConfigError(`--spool-max-bytes: "${text}" is not a size; write a byte count or e.g. 500MiB, 2GiB`);
  return parsed.data;
}

function flagDrain(text: string): number {
  return text.trim() === '0' ? 0 : parseDuration(text, '--drain-timeout');
}
