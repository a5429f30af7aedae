// The observers' page's summary of everything checked (parallel
// tabulation): verdict counts, tables held, the observer's totals per
// contest beside the log's actas for the same tables, CSV and JSON.

import { tableHref } from '../components';
import { h, type Child } from '../dom';
import { fmtInt } from '../i18n';
import type { CheckedManifest } from '../observer/manifest';
import { heldRows, toCsv, toJson, totals } from '../observer/tabulate';
import { ot } from '../observer_strings';
import { state } from '../state';
import type { ActaItem } from './observer';

// `notHeld`: logged tables without an acta held, once looked up (null:
// not yet; a string: the lookup failed); `lookUp` fetches them.
export interface NotHeldState {
  tables: number[] | null;
  loading: boolean;
  error: string | null;
  lookUp: (held: Set<number>) => void;
}

export function observerSummary(all: { a: ActaItem; source: string }[], m: CheckedManifest, nh: NotHeldState): HTMLElement | null {
  if (all.length < 2) return null;
  const count = (f: (a: ActaItem) => boolean) => all.filter((x) => f(x.a)).length;
  const rows: [string, number][] = [
    [ot('sum_same'), count((a) => a.log?.kind === 'same')],
    [ot('sum_different'), count((a) => a.log?.kind === 'different')],
    [ot('sum_missing'), count((a) => a.log?.kind === 'missing')],
    [ot('sum_invalid'), count((a) => a.invalid !== undefined)],
    [ot('sum_pending'), count((a) => !a.invalid && (!a.log || a.log.kind === 'checking' || a.log.kind === 'error'))],
  ];
  const held = heldRows(all.map(({ a, source }) => ({ source, valid: a.valid, log: a.log && 'checkpoint' in a.log ? a.log : null })));
  const sums = totals(held, m.json.contests.map((c) => c.candidates.length));
  const nat = state.bulletin?.regions[0];
  const inLog = held.filter((r) => r.verdict === 'same' || r.verdict === 'different').length;
  return h('section', { class: 'card', 'data-testid': 'observer-summary' },
    h('h2', null, ot('summary', { n: fmtInt(all.length) })),
    h('ul', { class: 'observer-sum' }, rows.map(([label, n]) => h('li', null, h('strong', null, fmtInt(n)), ' ', label))),
    h('p', null, ot('tables_held', { n: fmtInt(held.length) }),
      nat ? [' ', ot('log_tables', { n: fmtInt(nat.tables_counted + nat.tables_conflicted), m: fmtInt(inLog) })] : null),
    notHeldBlock(nh, new Set(held.map((r) => r.table))),
    held.length ? totalsTable(sums, m) : null,
    held.length ? h('div', { class: 'file-buttons' },
      download(ot('download_csv'), 'acta-observer.csv', 'text/csv', () => toCsv(held, nh.tables ?? []), 'observer-csv'),
      download(ot('download_json'), 'acta-observer.json', 'application/json', () => toJson(held, sums, Date.now(), nh.tables), 'observer-json')) : null);
}

const kNotHeldShown = 100;

function notHeldBlock(nh: NotHeldState, held: Set<number>): HTMLElement {
  if (nh.loading) return h('p', { class: 'muted', role: 'status' }, ot('not_held_loading'));
  if (nh.tables === null) {
    return h('div', null,
      nh.error ? h('p', { class: 'bad-text' }, nh.error) : null,
      h('button', { type: 'button', 'data-testid': 'observer-not-held-button', onclick: () => nh.lookUp(held) }, ot('not_held_button')));
  }
  const shown = nh.tables.slice(0, kNotHeldShown);
  return h('div', { 'data-testid': 'observer-not-held' },
    h('p', null, ot('not_held', { n: fmtInt(nh.tables.length) })),
    shown.length
      ? h('p', { class: 'not-held-list' }, shown.map((id, i) => [i ? ', ' : '', h('a', { href: tableHref(id) }, String(id))]),
          nh.tables.length > shown.length ? ` … (+${fmtInt(nh.tables.length - shown.length)})` : '')
      : null,
    h('p', { class: 'note' }, ot('not_held_note')));
}

function totalsTable(sums: ReturnType<typeof totals>, m: CheckedManifest): HTMLElement {
  const row = (label: Child, a: number, b: number) =>
    h('tr', { class: a !== b ? 'gap' : null },
      h('th', { scope: 'row' }, label), h('td', { class: 'num' }, fmtInt(a)), h('td', { class: 'num' }, fmtInt(b)),
      h('td', { class: 'num' }, a === b ? '' : fmtInt(a - b)));
  return h('div', { 'data-testid': 'observer-totals' },
    h('h3', null, ot('totals')),
    h('p', { class: 'note' }, `${ot('yours')}: ${fmtInt(sums.held.tables)} · ${ot('log_same_tables')}: ${fmtInt(sums.logged.tables)}. ${ot('totals_note')}`),
    h('div', { class: 'acta-contests' }, m.json.contests.map((c, ci) => {
      const mine = sums.held.contests[ci];
      const log = sums.logged.contests[ci];
      return h('table', { class: 'data counts', 'data-contest': c.id },
        h('caption', null, c.name),
        h('thead', null, h('tr', null, h('th', { scope: 'col' }, ot('candidate')), h('th', { scope: 'col', class: 'num' }, ot('yours')),
          h('th', { scope: 'col', class: 'num' }, ot('log_same_tables')), h('th', { scope: 'col', class: 'num' }, ot('gap')))),
        h('tbody', null,
          c.candidates.map((k, i) => row(k.name, mine.votes[i], log.votes[i])),
          row(ot('blank'), mine.blank, log.blank),
          row(ot('null'), mine.null, log.null)));
    })));
}

// A button that saves what `make` returns as a file.
function download(label: string, name: string, type: string, make: () => string, testid: string): HTMLElement {
  return h('button', { type: 'button', 'data-testid': testid, onclick: () => {
    const url = URL.createObjectURL(new Blob([make()], { type }));
    const a = h('a', { href: url, download: name });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  } }, label);
}
