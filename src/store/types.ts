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

export interface EnvelopeRecord extends EnvelopeRow {
  body: Uint8Array;
}

export interface EnvelopeFilter {
  /** main type: error, transaction, session, … */
  type?: string;
  platform?: string;
  projectId?: number;
  ids?: number[];
  /** Newest first by default; `asc` gives capture order. */
  order?: 'asc' | 'desc';
  limit?: number;
}

/**
 * The whole store: one interface per capability, each implemented in its own file per dialect
 * (store/sqlite/<capability>.ts) and composed in store/sqlite/store.ts.
 */
export interface Store extends EnvelopeStore {
  readonly dialect: 'sqlite' | 'postgres';
  /** Throws StoreError when the database cannot be read and written. */
  checkHealth(): Promise<void>;
  /** Finishes pending writes and closes the database. */
  close(): Promise<void>;
}

/** Captured envelopes: write (group-committed), list, read, stream. */
export interface EnvelopeStore {
  /** Resolves with the row id only after the row's transaction has committed. */
  insertEnvelope(envelope: NewEnvelope): Promise<number>;
  listEnvelopes(filter: EnvelopeFilter): Promise<EnvelopeRow[]>;
  getEnvelope(id: number): Promise<EnvelopeRecord | null>;
  /** Streams matching envelopes with bodies in pages, so replay memory stays flat. */
  iterateEnvelopes(filter: EnvelopeFilter, pageSize?: number): AsyncIterable<EnvelopeRecord>;
  /** Newest `eventTs` (or `receivedAt` when unknown) per trace id among matching envelopes. */
  newestPerTrace(filter: EnvelopeFilter): Promise<Map<string, number>>;
  /** The per-item index of one envelope, in item order. */
  listItems(envelopeId: number): Promise<ItemIndexEntry[]>;
}
