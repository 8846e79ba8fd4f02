/** Plain-text tables for terminal output; long cells are cut with an ellipsis, control characters escaped. */
import { printableLine } from './terminal.ts';

export function formatTable(headers: string[], rows: string[][], maxCell = 60): string {
  const cut = (s: string) => printableLine((s.length > maxCell ? `${s.slice(0, maxCell - 1)}…` : s).replace(/\s+/g, ' '));
  const cells = [headers, ...rows.map((r) => r.map(cut))];
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  return `${cells.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ')).join('\n')}\n`;
}
