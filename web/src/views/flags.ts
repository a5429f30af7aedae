// Conflicts and flagged tables (#/flags), from the bulletin's flag list
// (at most 10,000 tables, lowest ids first; flags_total is complete).

import { errorBox, flagChips, loading, notice, pager, tableHref, tableSearch } from '../components';
import { h, type Child } from '../dom';
import { flagName, fmtInt, t } from '../i18n';
import { state } from '../state';
import type { Redraw, View } from './view';

const kPageSize = 50;
const kFlags = ['conflict', 'overvote', 'sum_mismatch', 'outside_window'];

export class FlagsView implements View {
  private page = 0;
  private only: string | null;

  constructor(
    private readonly redraw: Redraw,
    only: string | null,
  ) {
    this.only = only && kFlags.includes(only) ? only : null;
  }

  title(): string {
    return t('flags_title');
  }

  render(): Child[] {
    const b = state.bulletin;
    const out: Child[] = [h('h1', null, t('flags_title'))];
    if (!b) {
      if (state.noCheckpointYet) return [...out, notice(t('no_checkpoint'))];
      if (state.bulletinError) return [...out, errorBox(state.bulletinError, () => state.requestBulletin())];
      return [...out, loading()];
    }
    const counts = new Map<string, number>();
    for (const f of b.flags) for (const x of f.flags) counts.set(x, (counts.get(x) ?? 0) + 1);
    const list = this.only ? b.flags.filter((f) => f.flags.includes(this.only!)) : b.flags;
    const pages = Math.max(1, Math.ceil(list.length / kPageSize));
    if (this.page >= pages) this.page = pages - 1;
    const shown = list.slice(this.page * kPageSize, (this.page + 1) * kPageSize);
    const filterButton = (f: string | null, label: string, n: number) =>
      h('button', {
        type: 'button', class: 'toggle', 'aria-pressed': String(this.only === f), 'data-focus': `flag-${f ?? 'all'}`,
        onclick: () => { this.only = f; this.page = 0; this.redraw(); },
      }, `${label} (${fmtInt(n)})`);
    out.push(
      h('p', { 'data-testid': 'flags-total' }, t('flags_total', { n: fmtInt(b.flags_total) }),
        b.flags.length < b.flags_total ? ` — ${t('flags_listed', { n: fmtInt(b.flags.length) })}` : null),
      b.invalid_entries > 0 ? h('p', { class: 'warn-text' }, `${t('invalid_entries')}: ${fmtInt(b.invalid_entries)}`) : null,
      h('div', { class: 'toggles', role: 'group', 'aria-label': t('filter') },
        filterButton(null, t('flags_all'), b.flags.length),
        kFlags.filter((f) => counts.has(f)).map((f) => filterButton(f, flagName(f), counts.get(f) ?? 0))),
      shown.length === 0
        ? h('p', { class: 'muted' }, t('no_flags'))
        : h('section', { class: 'card' },
            h('div', { class: 'table-scroll' },
              h('table', { class: 'data' },
                h('thead', null, h('tr', null, h('th', { scope: 'col' }, t('table')), h('th', { scope: 'col' }, t('flags')))),
                h('tbody', null, shown.map((f) => h('tr', null,
                  h('th', { scope: 'row' }, h('a', { href: tableHref(f.table) }, `${t('table')} ${f.table}`)),
                  h('td', null, flagChips(f.flags))))))),
            pager(this.page, pages, (p) => { this.page = p; this.redraw(); }, 'flags')),
      tableSearch(),
    );
    return out;
  }
}
