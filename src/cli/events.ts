/** `undertaker events list|show`: browse what was captured. */
import { parseJsonPayload } from '../envelope/parse.ts';
import { envelopeFromStored } from '../envelope/stored.ts';
import { ConfigError, NotFoundError } from '../shared/errors.ts';
import type { EnvelopeFilter, EnvelopeRecord, EnvelopeRow } from '../store/index.ts';
import { openDbFromArgs } from './database.ts';
import { printableText } from './terminal.ts';
import { bool, defineCommand, int, type ParsedArgs, str } from './command.ts';
import { envelopeToJson, hexPreview, rowToJson } from '../web/api/shape.ts';
import { formatTable } from './table.ts';
import { DB_FLAG, FILTER_FLAGS } from './shared-flags.ts';

export function filterFromArgs(args: ParsedArgs): EnvelopeFilter {
  const filter: EnvelopeFilter = {};
  const type = str(args, 'type');
  const platform = str(args, 'platform');
  if (type) filter.type = type;
  if (platform) filter.platform = platform;
  const project = int(args, 'project');
  if (project !== undefined) filter.projectId = project;
  const limit = int(args, 'limit', { min: 1 });
  if (limit !== undefined) filter.limit = limit;
  const search = args.values.search;
  if (typeof search === 'string' && search.trim()) filter.text = search.trim();
  return filter;
}

export const eventsListCommand = defineCommand({
  name: 'events list',
  summary: 'List captured envelopes, newest first.',
  usage: 'undertaker events list [--type TYPE] [--platform NAME] [--project ID] [--search TEXT] [--limit N] [--json] [--db PATH]',
  flags: {
    ...FILTER_FLAGS,
    search: { type: 'string', short: 's', value: 'TEXT', description: 'Only titles containing TEXT (any case), or the envelope with this event id' },
    json: { type: 'boolean', description: 'Print a JSON array instead of a table' },
    db: DB_FLAG,
  },
  examples: [
    'undertaker events list',
    'undertaker events list --type transaction --platform python --limit 5',
    'undertaker events list --search "ZeroDivisionError"',
    'undertaker events list --json | jq ".[0].event_id"',
  ],
  async run(args, io) {
    const store = await openDbFromArgs(args, { mustExist: true });
    try {
      const filter = filterFromArgs(args);
      const rows = await store.listEnvelopes({ ...filter, limit: filter.limit ?? 50 });
      if (bool(args, 'json')) {
        io.stdout(`${JSON.stringify(rows.map(rowToJson), null, 2)}\n`);
        return 0;
      }
      if (!rows.length) {
        io.stdout('No envelopes captured yet (or none match the filters). Point an SDK at `undertaker serve`.\n');
        return 0;
      }
      io.stdout(
        formatTable(
          ['ID', 'RECEIVED', 'PROJECT', 'TYPE', 'PLATFORM', 'SDK', 'TITLE'],
          rows.map((r) => [String(r.id), new Date(r.receivedAt).toISOString().replace('T', ' ').slice(0, 19), String(r.projectId), r.mainType, r.platform ?? '', sdkLabel(r), r.title ?? '']),
        ),
      );
      return 0;
    } finally {
      await store.close();
    }
  },
});

export const eventsShowCommand = defineCommand({
  name: 'events show',
  summary: 'Show one captured envelope: its index fields, header and items.',
  usage: 'undertaker events show ID [--json | --raw] [--db PATH]',
  positionals: true,
  flags: {
    json: { type: 'boolean', description: 'Print the parsed envelope as JSON (binary payloads as base64)' },
    raw: { type: 'boolean', description: 'Write the stored body bytes to stdout unchanged' },
    db: DB_FLAG,
  },
  examples: ['undertaker events show 12', 'undertaker events show 12 --json', 'undertaker events show 12 --raw > envelope.bin'],
  async run(args, io) {
    const id = Number(args.positionals[0]);
    if (args.positionals.length !== 1 || !/^\d+$/.test(args.positionals[0]!) || !Number.isSafeInteger(id) || id < 1) throw new ConfigError('events show needs one envelope ID (the number in the first column of `undertaker events list`)');
    if (bool(args, 'json') && bool(args, 'raw')) throw new ConfigError('--json and --raw cannot be combined');
    const store = await openDbFromArgs(args, { mustExist: true });
    try {
      const record = await store.getEnvelope(id);
      if (!record) throw new NotFoundError(`no envelope with ID ${id}; \`undertaker events list\` shows the IDs`);
      if (bool(args, 'raw')) await io.stdoutBytes(record.body);
      else if (bool(args, 'json')) io.stdout(`${JSON.stringify(envelopeToJson(record), null, 2)}\n`);
      else io.stdout(printableText(describeRecord(record)));
      return 0;
    } finally {
      await store.close();
    }
  },
});

// --- internal ---

function sdkLabel(r: EnvelopeRow): string {
  return r.sdkName ? `${r.sdkName}${r.sdkVersion ? `@${r.sdkVersion}` : ''}` : '';
}

function describeRecord(record: EnvelopeRecord): string {
  const env = envelopeFromStored(record.endpoint, record.body, record.requestMeta);
  const j = rowToJson(record);
  const lines = Object.entries(j)
    .filter(([, v]) => v !== null && v !== '')
    .map(([k, v]) => `${k.padEnd(13)} ${Array.isArray(v) ? v.join(', ') : v}`);
  lines.push('', `envelope header: ${JSON.stringify(env.header)}`);
  env.items.forEach((item, i) => {
    const json = parseJsonPayload(item);
    lines.push('', `item ${i + 1}: ${JSON.stringify(item.header)} (${item.payload.byteLength} bytes)`);
    lines.push(json ? JSON.stringify(json, null, 2) : `<binary: ${hexPreview(item.payload, 32)}>`);
  });
  return `${lines.join('\n')}\n`;
}
