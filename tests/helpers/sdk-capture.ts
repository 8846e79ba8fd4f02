// Runs one real SDK scenario against a running `undertaker serve` and reads back everything that
// was stored for its project, with each body parsed into items, for the e2e SDK suites.
import { envelopeFromStored } from '../../src/envelope/stored.ts';
import { parseJsonPayload } from '../../src/envelope/parse.ts';
import type { EnvelopeItem } from '../../src/envelope/types.ts';
import type { Store } from '../../src/store/index.ts';
import { runSdkScenario, type ScenarioResult, type Sdk } from './sdk.ts';
import type { CapturedEnvelope } from './sdk-fixtures.ts';
import type { ServerHandle } from './spawn.ts';

/** One item of a stored body, with its JSON payload when it has one. */
export interface StoredItem {
  entry: CapturedEnvelope;
  /** The envelope header (for a store-endpoint event: Relay's wrapping, `{event_id}`). */
  header: Record<string, unknown>;
  item: EnvelopeItem;
  type: string;
  json: any;
}

export interface SdkRun {
  result: ScenarioResult;
  captured: CapturedEnvelope[];
  items: StoredItem[];
}

/** Ids as the index normalises them: 32 lowercase hex digits (Rust writes dashed UUIDs). */
export function hexId(id: string | undefined | null): string | null {
  return id ? id.replaceAll('-', '').toLowerCase() : null;
}

/**
 * Runs `scenario` of `sdk` with a DSN for `project`, then reads the project's rows in capture order.
 * The SDKs flush before printing their result and the server answers only after committing, so the
 * rows are there; a short settle loop still catches anything sent while the process exits.
 */
export async function captureSdkRun(server: ServerHandle, store: Store, sdk: Sdk, project: number, scenario = 'full'): Promise<SdkRun> {
  const result = await runSdkScenario(sdk, scenario, server.dsn(project), { timeoutMs: 90_000 });
  let rows = await store.listEnvelopes({ projectId: project, order: 'asc', limit: 500 });
  for (let settled = 0, rounds = 0; settled < 3 && rounds < 30; rounds++) {
    await Bun.sleep(100);
    const next = await store.listEnvelopes({ projectId: project, order: 'asc', limit: 500 });
    settled = next.length === rows.length ? settled + 1 : 0;
    rows = next;
  }
  const captured: CapturedEnvelope[] = [];
  for (const row of rows) {
    const record = await store.getEnvelope(row.id);
    if (!record) throw new Error(`envelope ${row.id} vanished`);
    captured.push({ scenario, record, items: await store.listItems(row.id) });
  }
  return { result, captured, items: captured.flatMap(storedItems) };
}

function storedItems(entry: CapturedEnvelope): StoredItem[] {
  const envelope = envelopeFromStored(entry.record.endpoint, entry.record.body, entry.record.requestMeta);
  return envelope.items.map((item) => ({
    entry,
    header: envelope.header,
    item,
    type: String(item.header.type),
    json: parseJsonPayload(item),
  }));
}
