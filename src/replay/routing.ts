/**
 * Routing: which destination DSNs a captured envelope is replayed to. The first route whose
 * `match` fits the envelope's source wins; an envelope no route matches is not replayed.
 */
import type { ReplayConfig, RouteConfig } from '../config/replay-config.ts';
import { type Dsn, dsnToString, parseDsn } from '../envelope/dsn.ts';

/** The captured source of an envelope, as the store indexes it. */
export interface RouteSource {
  projectId: number;
  publicKey: string | null;
  platform: string | null;
  sdkName: string | null;
}

export interface Route {
  /** `name` from the config, else `routes[i]`; `--dsn` for the command-line destination. */
  name: string;
  destinations: Dsn[];
}

export interface Router {
  /** The route for a source, or null when no route matches. */
  route(source: RouteSource): Route | null;
  /** Every destination of every route, each once. */
  readonly destinations: Dsn[];
  /** Routes without secrets, for history and logs. */
  describe(): Array<{ name: string; to: string[] }>;
}

/** Routes everything to one DSN (`--dsn`, which overrides any config). */
export function singleRouter(dsn: Dsn): Router {
  const route: Route = { name: '--dsn', destinations: [dsn] };
  return { route: () => route, destinations: [dsn], describe: () => [{ name: route.name, to: [dsnToString(dsn)] }] };
}

/** Builds a router from a validated config. */
export function createRouter(config: ReplayConfig): Router {
  const unique = new Map<string, Dsn>();
  const routes = config.routes.map((r, index) => {
    const destinations = r.to.map((text) => {
      const dsn = parseDsn(text);
      const key = dsnToString(dsn, true);
      if (!unique.has(key)) unique.set(key, dsn);
      return unique.get(key)!;
    });
    return { route: { name: r.name ?? `routes[${index}]`, destinations }, fits: matcher(r.match, config.datasets ?? {}) };
  });
  return {
    route: (source) => routes.find((r) => r.fits(source))?.route ?? null,
    destinations: [...unique.values()],
    describe: () => routes.map(({ route }) => ({ name: route.name, to: route.destinations.map((d) => dsnToString(d)) })),
  };
}

/** Dataset labels of a source: every dataset listing its project id or public key. */
export function datasetsOf(source: RouteSource, datasets: NonNullable<ReplayConfig['datasets']>): string[] {
  const key = source.publicKey?.toLowerCase();
  return Object.entries(datasets)
    .filter(([, d]) => d.projects?.includes(source.projectId) || (key !== undefined && d.keys?.some((k) => k.toLowerCase() === key)))
    .map(([name]) => name);
}

// --- internal ---

type Datasets = NonNullable<ReplayConfig['datasets']>;

function matcher(match: RouteConfig['match'], datasets: Datasets): (source: RouteSource) => boolean {
  // Every given condition must hold; a list of values means any of them.
  return (source) => {
    if (!match) return true;
    if (match.project && !match.project.includes(source.projectId)) return false;
    if (match.key && !match.key.some((k) => k.toLowerCase() === source.publicKey?.toLowerCase())) return false;
    if (match.platform && !match.platform.includes(source.platform ?? '')) return false;
    if (match.sdk && !match.sdk.some((pattern) => sdkFits(pattern, source.sdkName))) return false;
    if (match.dataset) {
      const labels = datasetsOf(source, datasets);
      if (!match.dataset.some((name) => labels.includes(name))) return false;
    }
    return true;
  };
}

function sdkFits(pattern: string, sdk: string | null): boolean {
  if (sdk === null) return false;
  return pattern.endsWith('*') ? sdk.startsWith(pattern.slice(0, -1)) : sdk === pattern;
}
