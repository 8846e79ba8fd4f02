/**
 * The replay config file (YAML or JSON): datasets (labels for captured sources), routes from
 * captured sources to destination DSNs, and default replay options. Validated with zod; every
 * error names the offending key path, e.g. `routes[1].match.platform: expected string`.
 */
import { z } from 'zod';
import { parseDsn } from '../envelope/dsn.ts';
import { ConfigError } from '../shared/errors.ts';
import { parseDuration } from './duration.ts';
import { readConfigFile } from './file.ts';

/** A value or a non-empty list of values; always a list after parsing. */
function oneOrMany<T extends z.ZodType>(item: T) {
  return z.union([item, z.array(item).min(1)]).transform((v) => (Array.isArray(v) ? v : [v]) as z.output<T>[]);
}

const KEY = z.string().regex(/^[0-9a-f]{32}$/i, 'expected a 32-hex public key');
const PROJECT = z.number().int().nonnegative();
export const DSN = z.string().superRefine((value, ctx) => {
  try {
    parseDsn(value);
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: (error as Error).message });
  }
});
const DURATION = z.string().refine((v) => isDuration(v), 'expected a duration such as 30s, 10m or 1h');
/** Sentry tag keys: at most 32 characters of letters, digits, `_ . : -`. */
export const TAG_KEY = /^[a-zA-Z0-9_.:-]{1,32}$/;
const TAG_VALUE = z.string().min(1).max(200).regex(/^[^\n]*$/, 'expected a single line');

const DATASET = z.strictObject({ projects: oneOrMany(PROJECT).optional(), keys: oneOrMany(KEY).optional() });

const MATCH = z.strictObject({
  project: oneOrMany(PROJECT).optional(),
  key: oneOrMany(KEY).optional(),
  platform: oneOrMany(z.string().min(1)).optional(),
  /** SDK name; a trailing `*` matches any suffix (`sentry.javascript.*`). */
  sdk: oneOrMany(z.string().min(1)).optional(),
  dataset: oneOrMany(z.string().min(1)).optional(),
});

const ROUTE = z.strictObject({ name: z.string().min(1).optional(), match: MATCH.optional(), to: oneOrMany(DSN) });

const DEFAULTS = z.strictObject({
  release: z.string().min(1).max(200).optional(),
  environment: z.string().min(1).max(64).optional(),
  tags: z.record(z.string().regex(TAG_KEY, 'expected a tag key of at most 32 letters, digits, _ . : -'), TAG_VALUE).optional(),
  marker: z.boolean().optional(),
  rotate_users: z.boolean().optional(),
  pace: z.enum(['now', 'recorded']).optional(),
  speed: z.number().positive().optional(),
  spread: DURATION.optional(),
  rate: z.union([z.number().positive(), z.string()]).optional(),
  concurrency: z.number().int().min(1).max(64).optional(),
  max_wait: z.union([DURATION, z.literal('0'), z.literal(0).transform(() => '0' as const)]).optional(),
});

export const REPLAY_CONFIG_SCHEMA = z
  .strictObject({
    datasets: z.record(z.string().min(1), DATASET).optional(),
    routes: z.array(ROUTE).min(1),
    replay: DEFAULTS.optional(),
  })
  .superRefine((config, ctx) => {
    const known = new Set(Object.keys(config.datasets ?? {}));
    config.routes.forEach((route, index) => {
      (route.match?.dataset ?? []).forEach((name, at) => {
        if (known.has(name)) return;
        const path = ['routes', index, 'match', 'dataset', ...(route.match!.dataset!.length > 1 ? [at] : [])];
        ctx.addIssue({ code: 'custom', path, message: `unknown dataset "${name}"; define it under datasets:` });
      });
    });
  });

export type ReplayConfig = z.output<typeof REPLAY_CONFIG_SCHEMA>;
export type RouteConfig = ReplayConfig['routes'][number];
export type ReplayDefaults = NonNullable<ReplayConfig['replay']>;

/** Validates a parsed config value; `source` names it in errors (a file path or "routing"). */
export function parseReplayConfig(value: unknown, source: string): ReplayConfig {
  const result = REPLAY_CONFIG_SCHEMA.safeParse(value);
  if (result.success) return result.data;
  throw new ConfigError(`${source} is not a valid replay config:\n${formatIssues(result.error.issues)}`);
}

/** Reads and validates a YAML (or JSON: YAML is a superset) config file. */
export function loadReplayConfig(path: string): ReplayConfig {
  return parseReplayConfig(readConfigFile(path, 'replay config'), path);
}

/** One line per issue: `path: message`, the path written as `routes[1].match.platform`. */
export function formatIssues(issues: readonly z.core.$ZodIssue[]): string {
  return issues
    .map((issue) => {
      const { path, message } = flatten(issue);
      return `  ${formatPath(path) || '(top level)'}: ${message}`;
    })
    .join('\n');
}

// --- internal ---

function isDuration(text: string): boolean {
  try {
    parseDuration(text);
    return true;
  } catch {
    return false;
  }
}

function formatPath(path: readonly PropertyKey[]): string {
  return path
    .map((p, i) => {
      if (typeof p === 'number') return `[${p}]`;
      const key = String(p);
      return /^[\w-]+$/.test(key) ? `${i === 0 ? '' : '.'}${key}` : `[${JSON.stringify(key)}]`;
    })
    .join('');
}

function flatten(issue: z.core.$ZodIssue): { path: PropertyKey[]; message: string } {
  if (issue.code === 'invalid_union') {
    // "a value or a list of values": report the branch that got furthest into the input.
    const branches = issue.errors.filter((b) => b.length > 0);
    const best = branches.reduce<z.core.$ZodIssue[] | undefined>((a, b) => (!a || b[0]!.path.length > a[0]!.path.length ? b : a), undefined);
    if (best?.[0]) {
      const inner = flatten(best[0]);
      return { path: [...issue.path, ...inner.path], message: inner.message };
    }
  }
  if (issue.code === 'invalid_key' && issue.issues[0]) return { path: [...issue.path], message: flatten(issue.issues[0]).message };
  if (issue.code === 'unrecognized_keys') {
    return { path: [...issue.path], message: `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}` };
  }
  return { path: [...issue.path], message: issue.message.replace(/^Invalid input: /, '') };
}
