/**
 * Commands are data: each declares its flags (with help text), usage and
 * examples; `--help` output and flag parsing both come from that declaration.
 */
import { parseArgs } from 'node:util';
import { ConfigError } from '../shared/errors.ts';

export interface CliIo {
  stdout: (text: string) => void;
  /** Binary-safe stdout for `--raw`. */
  stdoutBytes: (bytes: Uint8Array) => Promise<void>;
  stderr: (text: string) => void;
  env: Record<string, string | undefined>;
  /** Whether stdout is a terminal (progress output, colours). */
  isTty: boolean;
  /** Whether stderr is a terminal (the replay progress bar). */
  stderrIsTty?: boolean;
  /** Resolves when the user asks to stop (SIGINT/SIGTERM). */
  onStop: (listener: () => void) => void;
}

export interface FlagSpec {
  type: 'string' | 'boolean';
  short?: string;
  multiple?: boolean;
  /** Shown in --help, e.g. `PATH`. */
  value?: string;
  description: string;
  /** Environment variable consulted when the flag is absent. */
  env?: string;
  default?: string;
}

export interface CommandSpec {
  name: string;
  summary: string;
  usage: string;
  description?: string;
  flags: Record<string, FlagSpec>;
  examples: string[];
  positionals?: boolean;
  run(args: ParsedArgs, io: CliIo): Promise<number>;
}

export interface ParsedArgs {
  values: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
  /** Flag name → environment variable, for values taken from the environment. */
  fromEnv?: Record<string, string>;
}

export function defineCommand(spec: CommandSpec): CommandSpec {
  return spec;
}

/** Parses argv against the command's flags; unknown flags are a usage error naming the flag. */
export function parseCommandArgs(cmd: CommandSpec, argv: string[], env: CliIo['env']): ParsedArgs {
  const options: Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }> = {};
  for (const [name, f] of Object.entries(cmd.flags)) {
    options[name] = { type: f.type, ...(f.short ? { short: f.short } : {}), ...(f.multiple ? { multiple: true } : {}) };
  }
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: joinNegativeValues(argv, cmd.flags), options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new ConfigError(`${(error as Error).message.replace(/\. To specify a positional.*$/s, '')}; see \`undertaker ${cmd.name} --help\``);
  }
  const values = { ...parsed.values } as ParsedArgs['values'];
  const fromEnvNames: Record<string, string> = {};
  for (const [name, f] of Object.entries(cmd.flags)) {
    if (values[name] !== undefined) continue;
    const fromEnv = f.env ? env[f.env] : undefined;
    if (fromEnv !== undefined && fromEnv !== '') {
      values[name] = f.type === 'boolean' ? /^(1|true|yes)$/i.test(fromEnv) : fromEnv;
      fromEnvNames[name] = f.env!;
    }
    else if (f.default !== undefined) values[name] = f.default;
  }
  if (!cmd.positionals && parsed.positionals.length) {
    throw new ConfigError(`unexpected argument "${parsed.positionals[0]}"; see \`undertaker ${cmd.name} --help\``);
  }
  return { values, positionals: parsed.positionals, fromEnv: fromEnvNames };
}

/**
 * `--port -1` as `--port=-1`: node's parser takes a value that starts with `-` for an option and
 * answers "argument is ambiguous"; joined, the flag's own check says what is wrong with -1.
 */
function joinNegativeValues(argv: string[], flags: CommandSpec['flags']): string[] {
  const stringFlag = (arg: string) => {
    const name = arg.startsWith('--') ? arg.slice(2) : Object.entries(flags).find(([, f]) => f.short && `-${f.short}` === arg)?.[0];
    return name !== undefined && flags[name]?.type === 'string' ? name : null;
  };
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const name = stringFlag(argv[i]!);
    const next = argv[i + 1];
    if (name && next !== undefined && /^-\d/.test(next)) {
      out.push(`--${name}=${next}`);
      i++;
    } else out.push(argv[i]!);
  }
  return out;
}

export function renderHelp(cmd: CommandSpec): string {
  const lines = [`${cmd.summary}`, '', `Usage: ${cmd.usage}`];
  if (cmd.description) lines.push('', cmd.description);
  lines.push('', 'Options:');
  const rows = Object.entries(cmd.flags).map(([name, f]) => {
    const left = `  ${f.short ? `-${f.short}, ` : ''}--${name}${f.value ? ` ${f.value}` : ''}`;
    const extra = [f.default !== undefined ? `default: ${f.default}` : '', f.env ? `env: ${f.env}` : ''].filter(Boolean).join('; ');
    return [left, `${f.description}${extra ? ` (${extra})` : ''}`] as const;
  });
  rows.push(['  -h, --help', 'Show this help']);
  const width = Math.max(...rows.map((r) => r[0].length)) + 2;
  for (const [left, right] of rows) lines.push(`${left.padEnd(width)}${right}`);
  if (cmd.examples.length) lines.push('', 'Examples:', ...cmd.examples.map((e) => `  ${e}`));
  return `${lines.join('\n')}\n`;
}

function fromEnvNote(args: ParsedArgs, name: string): string {
  const env = args.fromEnv?.[name];
  return env ? ` (the value came from ${env})` : '';
}

export function str(args: ParsedArgs, name: string): string | undefined {
  const v = args.values[name];
  return typeof v === 'string' ? v : undefined;
}

export function bool(args: ParsedArgs, name: string): boolean {
  return args.values[name] === true;
}

/** A non-negative integer flag, or a ConfigError naming the flag. */
export function int(args: ParsedArgs, name: string, opts: { min?: number; max?: number } = {}): number | undefined {
  const v = str(args, name);
  if (v === undefined) return undefined;
  const n = Number(v);
  const min = opts.min ?? 0;
  const max = opts.max ?? Number.MAX_SAFE_INTEGER;
  if (!/^\d+$/.test(v.trim()) || !Number.isSafeInteger(n) || n < min || n > max) {
    throw new ConfigError(`--${name}: "${v}" must be a whole number${opts.max !== undefined ? ` from ${min} to ${opts.max}` : ` of at least ${min}`}${fromEnvNote(args, name)}`);
  }
  return n;
}
