/**
 * `/api/replays`: start a replay run with the CLI's options (answered at once with the run id; the
 * run goes on in the background) and read the history of runs with each envelope's outcome.
 */
import { Elysia } from 'elysia';
import { outcomeToJson, runToJson } from '../../replay/history-json.ts';
import type { ReplayRequest } from '../../replay/options.ts';
import { createReplayService, type ReplayService } from '../../replay/service.ts';
import { BadRequestError, ConfigError, NotFoundError } from '../../shared/errors.ts';
import type { Logger } from '../../shared/logger.ts';
import { VERSION } from '../../shared/version.ts';
import type { ReplayOutcomeKind, Store } from '../../store/index.ts';
import { ErrorBody, IdParams } from './model.ts';
import { ReplayDetailQuery, ReplayListQuery, ReplayRunDetail, ReplayRunList, ReplayStartBody, ReplayStarted } from './replays-model.ts';

export interface ReplaysApiDeps {
  store: Store;
  /** The process's replay service (serve passes its own); a default one is made otherwise. */
  replays?: ReplayService;
  logger?: Logger;
}

export function createReplaysApi(deps: ReplaysApiDeps) {
  const { store } = deps;
  const replays = deps.replays ?? createReplayService({ store, client: `undertaker/${VERSION}`, storeFingerprint: store.storeId, logger: deps.logger });
  return new Elysia({ name: 'api-replays', prefix: '/api' })
    .post(
      '/replays',
      async ({ body, set }) => {
        const started = await replays.start(body as ReplayRequest, { trigger: 'api', label: (key) => key }).catch((error) => {
          // Wrong options are the client's mistake: 400 with the message naming the key.
          throw error instanceof ConfigError ? new BadRequestError(error.message) : error;
        });
        // The outcome is in the history; a failing run must not become an unhandled rejection.
        started.done.catch(() => {});
        set.status = 202;
        return { id: started.runId, status: 'running' as const };
      },
      {
        // Before validation, which would drop unknown keys silently: a misspelt option (`dryrun`,
        // `dry_run`) must be refused, not ignored while a real run starts.
        transform({ body }) {
          const unknown = body && typeof body === 'object' ? Object.keys(body).filter((k) => !Object.hasOwn(ReplayStartBody.properties, k)) : [];
          if (unknown.length) {
            throw new BadRequestError(`unknown option ${unknown.map((k) => JSON.stringify(k)).join(', ')}; the options are the CLI flags in camelCase: ${Object.keys(ReplayStartBody.properties).join(', ')}`);
          }
        },
        body: ReplayStartBody,
        response: { 202: ReplayStarted, 400: ErrorBody },
        detail: {
          tags: ['replays'],
          summary: 'Start a replay run',
          description: 'Validates the options, records the run and answers with its id at once; the run goes on in the background. Keys are the CLI flags in camelCase.',
        },
      },
    )
    .get(
      '/replays',
      async ({ query }) => {
        const limit = query.limit ?? 50;
        const runs = await store.listReplayRuns({ limit: limit + 1, status: query.status, beforeId: query.cursor ? Number(query.cursor) : undefined });
        const page = runs.slice(0, limit);
        return { runs: page.map(runToJson), next_cursor: runs.length > limit ? String(page[page.length - 1]!.id) : null };
      },
      { query: ReplayListQuery, response: { 200: ReplayRunList, 400: ErrorBody }, detail: { tags: ['replays'], summary: 'List replay runs, newest first' } },
    )
    .get(
      '/replays/:id',
      async ({ params, query }) => {
        const run = await store.getReplayRun(params.id);
        if (!run) throw new NotFoundError(`no replay run with id ${params.id}`);
        const limit = query.limit ?? 1000;
        const outcomes = await store.listReplayOutcomes(params.id, { limit: limit + 1, afterId: query.after, outcome: query.outcome as ReplayOutcomeKind | undefined });
        const page = outcomes.slice(0, limit);
        return { ...runToJson(run), outcomes: page.map(outcomeToJson), next_outcome_cursor: outcomes.length > limit ? String(page[page.length - 1]!.id) : null };
      },
      {
        params: IdParams,
        query: ReplayDetailQuery,
        response: { 200: ReplayRunDetail, 404: ErrorBody },
        detail: { tags: ['replays'], summary: "One replay run: options, counts and each envelope's outcome" },
      },
    );
}
