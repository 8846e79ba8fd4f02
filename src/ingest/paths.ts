/**
 * Ingest path matching: `[/prefix…]/api/[<project>/]<endpoint>[/]` for every endpoint Relay routes,
 * plus the tunnel path. Duplicate slashes are folded first, as Relay does.
 */
import { BadRequestError } from '../shared/errors.ts';
import type { IngestEndpoint } from '../store/index.ts';

export interface RouteMatch {
  endpoint: Extract<IngestEndpoint, 'envelope' | 'store' | 'minidump' | 'security' | 'nel' | 'unreal' | 'cron'>;
  /** From the path; null on the tunnel path and on `/api/store/`, which name no project. */
  projectId: number | null;
  prefix: string;
  /** The public key some endpoints carry in the path (`/unreal/<key>/`, `/cron/<slug>/<key>/`). */
  pathKey?: string;
  monitorSlug?: string;
}

/** The project stays a string here so that a bad one gets Relay's 400 rather than a 404. */
const INGEST_PATH =
  /^(?<prefix>(?:\/[^/]+)*?)\/api\/(?:(?<project>[^/]+)\/)??(?:(?<simple>envelope|store|minidump|security|csp-report|nel)|unreal\/(?<unrealKey>[^/]+)|cron\/(?<slug>[^/]+)(?:\/(?<cronKey>[^/]+))?)\/?$/;

/** Endpoints reachable without a project id in the path (the project then comes from the body). */
const PROJECTLESS = new Set(['envelope', 'store']);

/** Matches an ingest path; null when it is not one. Throws Relay's 400 for a non-numeric project id. */
export function matchIngestPath(pathname: string, tunnelPath: string): RouteMatch | null {
  const path = pathname.replace(/\/{2,}/g, '/');
  if (path.replace(/\/$/, '') === tunnelPath.replace(/\/$/, '')) return { endpoint: 'envelope', projectId: null, prefix: '' };
  const groups = INGEST_PATH.exec(path)?.groups;
  if (!groups) return null;
  const { prefix = '', project, simple, unrealKey, slug, cronKey } = groups;
  const endpoint: RouteMatch['endpoint'] = simple === 'csp-report' ? 'security' : ((simple ?? (unrealKey ? 'unreal' : 'cron')) as RouteMatch['endpoint']);
  if (project === undefined && !PROJECTLESS.has(endpoint)) return null;
  if (project !== undefined && !/^\d+$/.test(project)) throw new BadRequestError('bad project path parameter', [`project id "${project}" is not a number`]);
  if (project !== undefined && !Number.isSafeInteger(Number(project))) throw new BadRequestError('bad project path parameter', [`project id "${project}" is too large`]);
  const match: RouteMatch = { endpoint, projectId: project === undefined ? null : Number(project), prefix };
  const key = unrealKey ?? cronKey;
  if (key) match.pathKey = decodeSegment(key);
  if (slug) match.monitorSlug = decodeSegment(slug);
  return match;
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
