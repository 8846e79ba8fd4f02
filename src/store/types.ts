/**
 * The Store interface: the only storage surface other modules use. Methods take
 * and return plain domain values (Uint8Array, epoch ms), never drizzle rows, so a
 * PostgreSQL implementation can sit beside the SQLite one without touching callers.
 *
 * | column role | SQLite                   | PostgreSQL                  |
 * |-------------|--------------------------|-----------------------------|
 * | raw bytes   | blob (buffer)            | bytea (customType)          |
 * | JSON        | text (json mode)         | jsonb                       |
 * | time        | integer epoch ms         | bigint epoch ms             |
 */
import type { ItemIndexEntry } from '../envelope/items.ts';
import type { EnvelopeSummary } from '../envelope/types.ts';

export type { ItemIndexEntry };

export type IngestEndpoint = 'envelope' | 'store' | 'minidump' | 'security' | 'unreal' | 'cron' | 'nel' | 'otlp';

/** What capture hands to the store for one accepted request. */
export interface NewEnvelope {
  receivedAt: number;
  endpoint: IngestEndpoint;
  projectId: number;
  publicKey: string | null;
  summary: EnvelopeSummary;
  /** Newest absolute timestamp found in the payloads, epoch ms. */
  eventTs: number | null;
  requestMeta: Record<string, string>;
  body: Uint8Array;
  /** Per-item index rows, written in the same transaction as the envelope. */
  items: ItemIndexEntry[];
  /** Forwarding through the outbox: its row is committed in the same transaction as the envelope's. */
  forward?: NewOutboxEntry;
}

/** A stored envelope's index columns (no body). */
export interface EnvelopeRow {
  id: number;
  receivedAt: number;
  endpoint: IngestEndpoint;
  projectId: number;
  publicKey: string | null;
  eventId: string | null;
  itemTypes: string[];
  mainType: string;
  platform: string | null;
  sdkName: string | null;
  sdkVersion: string | null;
  traceId: string | null;
  release: string | null;
  environment: string | null;
  title: string | null;
  level: string | null;
  eventTs: number | null;
  size: number;
  requestMeta: Record<string, string>;
}

/** The fields a replay plans with: where an envelope came from (routing), its times and its trace. */
export type EnvelopePlanRow = Pick<EnvelopeRow, 'id' | 'receivedAt' | 'eventTs' | 'traceId' | 'projectId' | 'publicKey' | 'platform' | 'sdkName'>;

export interface EnvelopeRecord extends EnvelopeRow {
  body: Uint8Array;
}

export interface EnvelopeFilter {
  /** main type: error, transaction, session, … */
  type?: string;
  platform?: string;
  projectId?: number;
  ids?: number[];
  /** SDK name as reported (`sentry.python`, `sentry.javascript.node`, …). */
  sdk?: string;
  release?: string;
  environment?: string;
  /** Received at or after this time (epoch ms). */
  since?: number;
  /** Received before this time (epoch ms). */
  until?: number;
  /** Free text: a case-insensitive substring of the title, or the event id. */
  text?: string;
  /** Cursor: only rows with a smaller id (the next page of a newest-first list). */
  beforeId?: number;
  /** Only rows with a larger id (what arrived since the newest row a client has). */
  afterId?: number;
  /** Newest first by default; `asc` gives capture order. */
  order?: 'asc' | 'desc';
  limit?: number;
}

/**
 * The whole store: one interface per capability, each implemented in its own file per dialect
 * (store/sqlite/<capability>.ts) and composed in store/sqlite/store.ts.
 */
export interface Store extends EnvelopeStore, ReplayHistoryStore, OutboxStore {
  readonly dialect: 'sqlite' | 'postgres';
  /**
   * This database's random id (made by its first migration to 0005; random per process for
   * `:memory:`): Undertaker sends it as `x-undertaker-store` and `x-undertaker-origin`, so a replay
   * or forward can tell its own database from another's.
   */
  readonly storeId: string;
  /** Throws StoreError when the database cannot be read and written. */
  checkHealth(): Promise<void>;
  /** Finishes pending writes and closes the database. */
  close(): Promise<void>;
}

/** Captured envelopes: write (group-committed), list, read, stream. */
export interface EnvelopeStore {
  /**
   * Resolves with the row id only after the row's transaction has committed; 0 for a forward-only
   * capture (`forward.body` set), which writes its outbox row and no envelope row.
   */
  insertEnvelope(envelope: NewEnvelope): Promise<number>;
  listEnvelopes(filter: EnvelopeFilter): Promise<EnvelopeRow[]>;
  getEnvelope(id: number): Promise<EnvelopeRecord | null>;
  /** Streams matching envelopes with bodies in pages, so replay memory stays flat. */
  iterateEnvelopes(filter: EnvelopeFilter, pageSize?: number): AsyncIterable<EnvelopeRecord>;
  /** Newest `eventTs` (or `receivedAt` when unknown) per trace id among matching envelopes. */
  newestPerTrace(filter: EnvelopeFilter): Promise<Map<string, number>>;
  /**
   * Replay's planning view of matching envelopes: routing and time fields only (no body, no JSON),
   * in id order. With `traceIds`, only those traces' envelopes, looked up through the trace index.
   */
  listPlanRows(filter: EnvelopeFilter & { traceIds?: string[] }): Promise<EnvelopePlanRow[]>;
  /** The per-item index of one envelope, in item order. */
  listItems(envelopeId: number): Promise<ItemIndexEntry[]>;
  /** Deletes these envelopes (and their item index); resolves with how many existed. */
  deleteEnvelopes(ids: number[]): Promise<number>;
  /**
   * Counts of matching envelopes in total and grouped by platform, main type, SDK name and UTC day;
   * `byDay: false` skips the day groups (a full scan without an index on received_at).
   */
  countEnvelopes(filter: EnvelopeFilter, opts?: { byDay?: boolean }): Promise<EnvelopeCounts>;
}

/** One group of `countEnvelopes`; `key` is null for rows without a value (no platform, say). */
export interface CountEntry {
  key: string | null;
  count: number;
}

export interface EnvelopeCounts {
  total: number;
  /** Largest group first. */
  byPlatform: CountEntry[];
  byType: CountEntry[];
  bySdk: CountEntry[];
  /** `YYYY-MM-DD` (UTC day of capture), oldest first. */
  byDay: CountEntry[];
}

export type ReplayRunStatus = 'running' | 'succeeded' | 'failed' | 'stopped';
export type ReplayTrigger = 'cli' | 'api' | 'schedule';
/** One delivery's final state (a delivery is one envelope to one destination). */
export type ReplayOutcomeKind = 'accepted' | 'rejected' | 'failed' | 'rate_limited' | 'skipped' | 'dry_run';

/** A run's counters: `selected` counts envelopes, the others count deliveries. */
export interface ReplayCounts {
  selected: number;
  sent: number;
  accepted: number;
  rejected: number;
  failed: number;
  skipped: number;
  rateLimited: number;
  /** Responses per HTTP status ("network" when none arrived). */
  byStatus: Record<string, number>;
}

export interface NewReplayRun {
  startedAt: number;
  trigger: ReplayTrigger;
  /** The run's options, DSNs without secrets. */
  options: Record<string, unknown>;
}

export interface ReplayRunRow extends ReplayCounts {
  id: number;
  startedAt: number;
  finishedAt: number | null;
  status: ReplayRunStatus;
  trigger: ReplayTrigger;
  options: Record<string, unknown>;
  error: string | null;
}

export type ReplayRunUpdate = Partial<ReplayCounts> & { status?: ReplayRunStatus; finishedAt?: number; error?: string | null };

export interface NewReplayOutcome {
  envelopeId: number;
  /** Destination DSN without secret. */
  destination: string;
  at: number;
  outcome: ReplayOutcomeKind;
  httpStatus: number | null;
  reason: string | null;
  attempts: number;
  oldEventId: string | null;
  newEventId: string | null;
  newTraceId: string | null;
}

export interface ReplayOutcomeRow extends NewReplayOutcome {
  id: number;
  runId: number;
}

/** Replay history: one row per run, one per delivery outcome. */
export interface ReplayHistoryStore {
  createReplayRun(run: NewReplayRun): Promise<number>;
  updateReplayRun(id: number, update: ReplayRunUpdate): Promise<void>;
  /** Appends outcomes in one transaction. */
  addReplayOutcomes(runId: number, outcomes: NewReplayOutcome[]): Promise<void>;
  /** Newest first; `beforeId` pages back. */
  listReplayRuns(query?: { limit?: number; beforeId?: number; status?: ReplayRunStatus }): Promise<ReplayRunRow[]>;
  getReplayRun(id: number): Promise<ReplayRunRow | null>;
  /** In delivery order; `afterId` pages forward. */
  listReplayOutcomes(runId: number, query?: { limit?: number; afterId?: number; outcome?: ReplayOutcomeKind }): Promise<ReplayOutcomeRow[]>;
}

/** A capture to forward (modes `forward` and `record+forward`), written with the capture. */
export interface NewOutboxEntry {
  /** Upstream DSN, with its key. */
  upstream: string;
  /** Data categories of the items (`error`, `transaction`, `attachment`, …), for per-category rate limits. */
  categories: string[];
  /** Forward mode: the envelope bytes to send, kept only in the outbox (no envelope row is written). */
  body?: Uint8Array;
  /** The capture's x-undertaker-origin (stores it came through), sent on with this store's id. */
  origin?: string;
}

/** One outbox row; `size` is the byte count to forward (its own body, or its envelope's). */
export interface OutboxRow {
  id: number;
  /** The recorded envelope whose bytes are forwarded (record+forward), or null (forward: own body). */
  envelopeId: number | null;
  createdAt: number;
  projectId: number;
  upstream: string;
  categories: string[];
  attempts: number;
  nextAttemptAt: number;
  lastError: string | null;
  size: number;
  /** Set aside after a refusal retrying cannot fix (400, 413): kept with `lastError`, never sent again. */
  parked: boolean;
  /** The capture's x-undertaker-origin, or null. */
  origin: string | null;
}

export interface OutboxStats {
  /** All rows, parked ones included. */
  rows: number;
  bytes: number;
  parked: number;
  oldestCreatedAt: number | null;
}

/** The durable outbox of captures waiting to be forwarded upstream, delivered in order per source. */
export interface OutboxStore {
  /** Project ids with rows waiting (parked rows do not wait). */
  outboxSources(): Promise<number[]>;
  /** One source's oldest waiting rows, in capture order. */
  listOutbox(projectId: number, limit: number): Promise<OutboxRow[]>;
  /** A forward-mode row's own bytes; null for a record+forward row (its bytes are its envelope's) or a missing row. */
  outboxBody(id: number): Promise<Uint8Array | null>;
  /** Delivered (or given up on): the row goes. */
  deleteOutbox(id: number): Promise<void>;
  /** A failed attempt: count it and wait until `nextAttemptAt`. */
  deferOutbox(id: number, update: { attempts: number; nextAttemptAt: number; lastError: string }): Promise<void>;
  /** Refused for good: kept with the reason, never retried. */
  parkOutbox(id: number, lastError: string): Promise<void>;
  outboxStats(): Promise<OutboxStats>;
  /**
   * Deletes rows from the oldest on while they were created before `createdBefore` or the totals
   * (parked rows included) exceed a bound; resolves with the deleted rows, oldest first.
   */
  shedOutbox(bounds: { maxRows: number; maxBytes: number; createdBefore: number }): Promise<OutboxRow[]>;
  /** Who delivers the outbox now, if anyone holds the lease. */
  outboxLease(): Promise<{ owner: string; expiresAt: number } | null>;
  /**
   * Takes or renews the delivery lease until `expiresAt`: granted when nobody holds it, it expired
   * by `now`, `owner` holds it, or `replacing` (a holder known to be dead) does. True when granted.
   */
  claimOutbox(claim: { owner: string; now: number; expiresAt: number; replacing?: string }): Promise<boolean>;
  /** Gives the lease up (at stop), so the next process need not wait for it to expire. */
  releaseOutbox(owner: string): Promise<void>;
}
