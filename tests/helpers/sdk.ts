// Runs the real-SDK scenarios in tests/sdk/<sdk>/ against a DSN and returns what they report.
//
// Install the SDKs first with `bash tests/setup/install-sdks.sh`. sdkInstalled() reads the stamps
// that script writes, so a stale install (requirements or lock changed since) counts as missing.

import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { basename, delimiter, join } from 'node:path';
import { REPO_ROOT, SDK_SPECS, SDKS, type Sdk } from './sdk-registry.ts';

export { REPO_ROOT, SDK_SPECS, SDKS, type Sdk };

/** The one JSON line a scenario prints. Only the keys the scenario produced are present. */
export interface ScenarioResult {
  sdk: string;
  version: string;
  /** The error captured by `error`, or inside the transaction for `transaction`. */
  error_event_id?: string;
  /** `all`/`full`: the error captured inside the transaction (error_event_id is the standalone one). */
  transaction_error_event_id?: string;
  /** Absent where the SDK offers no hook to read it (Rust): find the transaction by trace id. */
  transaction_event_id?: string;
  trace_id?: string;
  /** `full`: the cron check-in id both check-ins carry, and their monitor slug. */
  check_in_id?: string;
  monitor_slug?: string;
  feedback_event_id?: string;
  /** sentry-sdk 1.x: an error from a client without tracing, sent to the store endpoint. */
  store_error_event_id?: string;
  /** raven: a captureMessage event. */
  message_event_id?: string;
}

export interface ScenarioOptions {
  /** Extra variables for the child, on top of the clean base (e.g. UNDERTAKER_PY_COMPRESSION). */
  env?: Record<string, string>;
  /** Kill the child and throw after this long. Default 60 s. */
  timeoutMs?: number;
  /** Sets UNDERTAKER_SDK_DEBUG=1: the SDK logs to stderr (shown only when the run fails). */
  debug?: boolean;
}

const INSTALL_HINT = 'run `bash tests/setup/install-sdks.sh`';

function sha256Of(...files: string[]): string {
  const hasher = new Bun.CryptoHasher('sha256');
  for (const file of files) hasher.update(readFileSync(file));
  return hasher.digest('hex');
}

function readStamp(path: string): string | null {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return null;
  }
}

/** PATH without Bun's `node` shim directories (bun run may prepend one that points at bun). */
function cleanPath(): string {
  return (process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin')
    .split(delimiter)
    .filter((dir) => dir !== '' && !basename(dir).startsWith('bun-node'))
    .join(delimiter);
}

/** The real Node.js binary: the scenario must not run under Bun (which would report itself as node). */
function findNode(): string | null {
  const override = process.env.UNDERTAKER_NODE;
  if (override) return override;
  for (const dir of cleanPath().split(delimiter)) {
    const candidate = join(dir, 'node');
    if (!existsSync(candidate)) continue;
    try {
      if (basename(realpathSync(candidate)).startsWith('bun')) continue;
    } catch {
      continue;
    }
    return candidate;
  }
  return null;
}

/** Why the SDK cannot run, or null when it is installed and up to date. */
export function sdkInstallProblem(sdk: Sdk): string | null {
  const spec = SDK_SPECS[sdk];
  if (spec.name === 'node' && !findNode()) return 'no `node` binary on PATH (set UNDERTAKER_NODE)';
  if (!existsSync(join(REPO_ROOT, spec.installedMarker))) return `${spec.installedMarker} is missing; ${INSTALL_HINT}`;
  const want = sha256Of(...spec.stampInputs.map((file) => join(REPO_ROOT, file)));
  if (readStamp(join(REPO_ROOT, spec.stamp)) !== want) {
    return `the ${sdk} install stamp is missing or does not match ${spec.stampInputs.join(' + ')}; ${INSTALL_HINT}`;
  }
  return null;
}

export function sdkInstalled(sdk: Sdk): boolean {
  return sdkInstallProblem(sdk) === null;
}

/**
 * Environment for a scenario child: only what a process needs to start, so no proxy variables
 * (http_proxy would route loopback traffic elsewhere) and no SENTRY_* variables leak in.
 */
function childEnv(dsn: string, opts: ScenarioOptions): Record<string, string> {
  const env: Record<string, string> = { PATH: cleanPath(), UNDERTAKER_DSN: dsn };
  for (const name of ['HOME', 'TMPDIR', 'LANG', 'LC_ALL', 'TZ']) {
    const value = process.env[name];
    if (value !== undefined) env[name] = value;
  }
  env.PYTHONDONTWRITEBYTECODE = '1';
  env.PYTHONIOENCODING = 'utf-8';
  if (opts.debug) env.UNDERTAKER_SDK_DEBUG = '1';
  return { ...env, ...opts.env };
}

function scenarioCommand(sdk: Sdk, scenario: string): { cmd: string[]; cwd: string } {
  const { cmd, cwd } = SDK_SPECS[sdk].command(scenario);
  if (cmd[0] !== 'node') return { cmd, cwd };
  const node = findNode();
  if (!node) throw new Error('no `node` binary on PATH (set UNDERTAKER_NODE)');
  return { cmd: [node, ...cmd.slice(1)], cwd };
}

/**
 * Runs the scenario of tests/sdk/<sdk>/ with UNDERTAKER_DSN=dsn and returns its JSON line.
 * Throws (with stdout and stderr in the message) on a non-zero exit, a timeout, or output that is
 * not exactly one JSON object line.
 */
export async function runSdkScenario(
  sdk: Sdk,
  scenario: string,
  dsn: string,
  opts: ScenarioOptions = {},
): Promise<ScenarioResult> {
  const problem = sdkInstallProblem(sdk);
  if (problem) throw new Error(`${sdk} SDK not installed: ${problem}`);
  const { cmd, cwd } = scenarioCommand(sdk, scenario);
  const timeoutMs = opts.timeoutMs ?? 60_000;
  const started = performance.now();
  const child = Bun.spawn(cmd, { cwd, env: childEnv(dsn, opts), stdin: 'ignore', stdout: 'pipe', stderr: 'pipe' });

  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill('SIGKILL');
  }, timeoutMs);
  const [stdout, stderr, exitCode] = await Promise.all([
    new Response(child.stdout).text(),
    new Response(child.stderr).text(),
    child.exited,
  ]).finally(() => clearTimeout(timer));
  const elapsed = Math.round(performance.now() - started);

  const describe = (why: string) =>
    new Error(
      `${sdk} scenario '${scenario}' ${why} after ${elapsed} ms\n` +
        `command: ${cmd.join(' ')}\n--- stdout ---\n${stdout}\n--- stderr ---\n${stderr}`,
    );
  if (timedOut) throw describe(`timed out (${timeoutMs} ms) and was killed`);
  if (exitCode !== 0) throw describe(`exited with code ${exitCode}`);

  const lines = stdout.split('\n').filter((line) => line.trim() !== '');
  if (lines.length !== 1) throw describe(`printed ${lines.length} stdout lines, expected one JSON line`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(lines[0]!);
  } catch {
    throw describe('printed no JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || typeof (parsed as ScenarioResult).sdk !== 'string') {
    throw describe('printed JSON without an "sdk" field');
  }
  return parsed as ScenarioResult;
}
