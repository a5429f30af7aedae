// Parallel tabulation on the observers' page: from the verdicts of every
// acta the observer checked, one row per table held (the first valid acta
// of each table), totals of the observer's actas beside the log's actas for
// the same tables, and the rows as CSV and JSON (the columns of
// `acta compare`'s where they mean the same).

import type { Acta } from './acta_codec';
import { hex } from './bytes';
import type { LogVerdict, ValidActa } from './check';

export interface HeldRow {
  table: number;
  verdict: 'same' | 'different' | 'missing' | 'unchecked';
  source: string;
  held: ValidActa;
  log: LogVerdict | null;
}

// One row per table: the first valid acta held for it.
export function heldRows(items: { source: string; valid?: ValidActa; log?: LogVerdict | null }[]): HeldRow[] {
  const byTable = new Map<number, HeldRow>();
  for (const it of items) {
    if (!it.valid || byTable.has(it.valid.acta.table_id)) continue;
    byTable.set(it.valid.acta.table_id, {
      table: it.valid.acta.table_id,
      verdict: it.log ? it.log.kind : 'unchecked',
      source: it.source,
      held: it.valid,
      log: it.log ?? null,
    });
  }
  return [...byTable.values()].sort((a, b) => a.table - b.table);
}

// The log's acta for a held table: the held one when it is logged, the
// single other logged one when it differs; none when missing, or when the
// log holds several (a conflict: that table is out of the official totals).
function loggedActa(r: HeldRow): Acta | null {
  const log = r.log;
  if (!log) return null;
  if (log.kind === 'same') return log.others.length === 0 ? log.proof.acta : null;
  if (log.kind === 'different') return log.logged.length === 1 ? log.logged[0].acta : null;
  return null;
}

export interface ContestTotals {
  votes: number[];
  blank: number;
  null: number;
}

export interface Totals {
  tables: number;
  contests: ContestTotals[];
}

function add(t: Totals, a: Acta): void {
  t.tables++;
  a.contests.forEach((c, i) => {
    const d = t.contests[i];
    c.votes.forEach((v, k) => (d.votes[k] += v));
    d.blank += c.blank;
    d.null += c.null;
  });
}

// Totals per contest of the observer's actas, and of the log's actas for
// the same tables (as the log counts them).
export function totals(rows: HeldRow[], candidates: number[]): { held: Totals; logged: Totals } {
  const empty = (): Totals => ({ tables: 0, contests: candidates.map((n) => ({ votes: new Array<number>(n).fill(0), blank: 0, null: 0 })) });
  const held = empty();
  const logged = empty();
  for (const r of rows) {
    add(held, r.held.acta);
    const l = loggedActa(r);
    if (l) add(logged, l);
  }
  return { held, logged };
}

function loggedLeaves(r: HeldRow): string {
  const log = r.log;
  if (!log || log.kind === 'missing') return '';
  const leaves = log.kind === 'same' ? [log.proof, ...log.others] : log.logged;
  return leaves.map((l) => hex(l.leaf)).join(' ');
}

// RFC 4180 quoting; a file name that a spreadsheet would run as a formula
// (=, +, -, @ first) gets a leading apostrophe.
const csvField = (raw: string) => {
  const s = /^[=+\-@]/.test(raw) ? `'${raw}` : raw;
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

// Tables the log counts (status counted or conflict in the center's table
// CSV, docs/FORMATS.md "Table CSV") that the observer holds no acta for.
// The CSV is the center's word, as for `acta compare`. Region codes never
// hold commas or quotes, so the first seven fields split plainly.
export function notHeld(csv: string, held: Set<number>): number[] {
  const out: number[] = [];
  const lines = csv.split('\n');
  if (!lines[0]?.startsWith('table_id,')) throw new Error('tables.csv: unexpected header');
  for (const line of lines.slice(1)) {
    if (!line) continue;
    const f = line.split(',', 7);
    const id = Number(f[0]);
    if ((f[6] === 'counted' || f[6] === 'conflict') && !held.has(id)) out.push(id);
  }
  return out;
}

export function toCsv(rows: HeldRow[], notHeldTables: number[] = []): string {
  const lines = ['table,verdict,source,leaf_hash,log_leaf_hashes,conflict'];
  for (const r of rows) {
    const conflict = r.log?.kind === 'same' && r.log.others.length > 0;
    lines.push([String(r.table), r.verdict, csvField(r.source), hex(r.held.leaf), loggedLeaves(r), conflict ? '1' : '0'].join(','));
  }
  for (const id of notHeldTables) lines.push(`${id},not_held,,,,0`);
  return `${lines.join('\n')}\n`;
}

export function toJson(rows: HeldRow[], t: { held: Totals; logged: Totals }, checkedAtMs: number, notHeldTables: number[] | null = null): string {
  return `${JSON.stringify(
    {
      format: 'acta-observer-page-v1',
      checked_at_ms: checkedAtMs,
      tables: rows.map((r) => ({
        table: r.table,
        verdict: r.verdict,
        source: r.source,
        leaf_hash: hex(r.held.leaf),
        log_leaf_hashes: loggedLeaves(r).split(' ').filter(Boolean),
        conflict: r.log?.kind === 'same' && r.log.others.length > 0,
      })),
      // null: not looked up (the page fetches the table CSV on request).
      not_held: notHeldTables,
      totals: { held: t.held, log_same_tables: t.logged },
    },
    null,
    2,
  )}\n`;
}
