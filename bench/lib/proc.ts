// Process helpers for benchmarks: spawn a server, read its port, sample its RSS, run wrk.
import type { Subprocess } from 'bun';
import { readFileSync } from 'node:fs';

export async function spawnServer(cmd: string[], env: Record<string, string> = {}): Promise<{ proc: Subprocess<'ignore', 'pipe', 'pipe'>; url: string }> {
  const proc = Bun.spawn(cmd, { stdin: 'ignore', stdout: 'pipe', stderr: 'pipe', env: { ...process.env, ...env } });
  const reader = proc.stdout.getReader();
  let out = '';
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const chunk = await reader.read();
    if (chunk.done) break;
    out += new TextDecoder().decode(chunk.value);
    const m = /listening on (http:\/\/\S+)/.exec(out);
    if (m) {
      reader.releaseLock();
      return { proc, url: m[1]! };
    }
  }
  proc.kill();
  throw new Error(`server did not start: ${cmd.join(' ')}\n${out}\n${await new Response(proc.stderr).text()}`);
}

export function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return kb / 1024;
}

/** Samples the RSS of `pid` every 200 ms until stop() and returns the maximum. */
export function sampleRss(pid: number): { stop(): number } {
  let peak = 0;
  const timer = setInterval(() => {
    try {
      peak = Math.max(peak, rssMiB(pid));
    } catch {}
  }, 200);
  return {
    stop() {
      clearInterval(timer);
      return peak;
    },
  };
}

export interface WrkResult {
  rps: number;
  p50ms: number;
  p99ms: number;
  requests: number;
  errors: string;
}

/** Runs wrk without blocking the event loop (so RSS sampling keeps ticking). */
export async function runWrk(url: string, script: string, opts: { threads: number; conns: number; seconds: number }): Promise<WrkResult> {
  const proc = Bun.spawn(['wrk', `-t${opts.threads}`, `-c${opts.conns}`, `-d${opts.seconds}s`, '--latency', '-s', script, url], { stdout: 'pipe', stderr: 'pipe' });
  const [out, err, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  if (code !== 0) throw new Error(`wrk failed: ${err}`);
  const num = (re: RegExp) => Number(re.exec(out)?.[1] ?? Number.NaN);
  const ms = (re: RegExp) => {
    const m = re.exec(out);
    if (!m) return Number.NaN;
    const v = Number(m[1]);
    return m[2] === 'us' ? v / 1000 : m[2] === 's' ? v * 1000 : v;
  };
  return {
    rps: num(/Requests\/sec:\s+([\d.]+)/),
    p50ms: ms(/50%\s+([\d.]+)(us|ms|s)/),
    p99ms: ms(/99%\s+([\d.]+)(us|ms|s)/),
    requests: num(/(\d+) requests in/),
    errors: (/Non-2xx or 3xx responses: \d+|Socket errors:.*/.exec(out) ?? [''])[0],
  };
}

export interface Measured {
  code: number;
  stdout: string;
  stderr: string;
  wallMs: number;
  peakRssMiB: number;
}

/** Runs a command to its end, sampling its RSS; the peak also takes the kernel's high-water mark. */
export async function runMeasured(cmd: string[], env: Record<string, string> = {}): Promise<Measured> {
  const started = performance.now();
  const proc = Bun.spawn(cmd, { stdin: 'ignore', stdout: 'pipe', stderr: 'pipe', env: { ...process.env, ...env } });
  let hwm = 0;
  const rss = sampleRss(proc.pid);
  const hwmTimer = setInterval(() => {
    try {
      hwm = Math.max(hwm, Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${proc.pid}/status`, 'utf8'))?.[1] ?? 0) / 1024);
    } catch {}
  }, 200);
  const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  clearInterval(hwmTimer);
  return { code, stdout, stderr, wallMs: performance.now() - started, peakRssMiB: Math.max(rss.stop(), hwm) };
}

/** Median of a list of numbers. */
export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s.length ? (s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2) : Number.NaN;
}

/** The value below which `p` (0–1) of the values lie (nearest rank). */
export function percentile(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(p * s.length) - 1))] ?? Number.NaN;
}
