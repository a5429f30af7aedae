// The national page (#/) and every region below it (#/region/CODE): the
// same figures at each level, the list of child regions (paged, sortable,
// filterable: a parish can have hundreds of voting centers) and, for a
// voting center, its tables.

import { api, HttpError } from '../api';
import { arrivalCard, kArrivalTop } from '../arrival_chart';
import { progressBar } from '../charts';
import {
  checkpointCard, contests, crumbs, errorBox, flagChips, levelLabel, link, loading, notice, pager, regionHref,
  summary, tableHref, tableSearch, witnessCard,
} from '../components';
import { h, type Child } from '../dom';
import { pct, sum } from '../format';
import { fmtInt, fmtPct, statusName, t } from '../i18n';
import { state } from '../state';
import { kMaxTables, tablesByCenter, type TableRef } from '../tables_index';
import type { Arrivals, RegionDetail, RegionTotals, TableSummary } from '../types';
import type { Redraw, View } from './view';

const kPageSize = 25;
type SortKey = 'name' | 'progress' | 'registered';

export class RegionView implements View {
  private detail: RegionDetail | null = null;
  private error: string | null = null;
  private notFound = false;
  private page = 0;
  private sort: SortKey = 'name';
  private filter = '';
  private tables: TableRef[] | null = null;
  private tablesUnavailable = false;
  private tableStatus = new Map<number, TableSummary>();
  private statusKey = '';
  private abort = new AbortController();
  private arrivals: Arrivals | null = null;
  private arrivalsError: string | null = null;

  constructor(
    private readonly code: string | null, // null: the national page
    private readonly redraw: Redraw,
  ) {}

  dispose(): void {
    this.abort.abort();
  }

  private region(): RegionTotals | null {
    if (this.detail) return this.detail;
    if (this.code === null) return state.national();
    return state.byCode.get(this.code) ?? null;
  }

  // Regions whose children are in the bulletin (the country: the page
  // reads a bulletin down to states) need no request of their own.
  private needsDetail(): boolean {
    return this.code !== null && !state.childrenOf.has(this.code);
  }

  title(): string {
    const r = this.region();
    if (this.code === null) return t('national');
    return r ? `${r.name} — ${levelLabel(r.level)}` : (this.code ?? '');
  }

  // Runs when the view opens and after each new bulletin, so the arrival
  // chart follows the live events at the bulletin's pace (state.ts
  // throttles those), one small request each.
  async refresh(): Promise<void> {
    if (!state.bulletin) return;
    await Promise.all([this.refreshArrivals(), this.refreshDetail()]);
  }

  private async refreshArrivals(): Promise<void> {
    const size = state.bulletin?.checkpoint.size ?? 0;
    if (this.arrivals && this.arrivals.checkpoint.size >= size) return;
    try {
      this.arrivals = await api.arrivals(this.code, kArrivalTop, this.abort.signal);
      this.arrivalsError = null;
    } catch (e) {
      if (this.abort.signal.aborted) return;
      this.arrivalsError = e instanceof Error ? e.message : String(e);
    }
  }

  private async refreshDetail(): Promise<void> {
    if (!this.needsDetail() || this.code === null) return;
    try {
      this.detail = await api.region(this.code, this.abort.signal);
      this.error = null;
      this.notFound = false;
    } catch (e) {
      if (this.abort.signal.aborted) return;
      if (e instanceof HttpError && e.status === 404) this.notFound = true;
      else this.error = e instanceof Error ? e.message : String(e);
      return;
    }
    if (this.detail.level === 'voting_center') await this.loadTables(this.detail);
  }

  private async loadTables(d: RegionDetail): Promise<void> {
    if (d.tables) {
      this.tables = d.tables.map((x) => ({ id: x.table, registered: x.registered ?? 0 }));
      for (const x of d.tables) this.tableStatus.set(x.table, x);
      return;
    }
    if (!this.tables) {
      const nat = state.national();
      if (!nat || nat.tables_expected > kMaxTables) {
        this.tablesUnavailable = true;
        return;
      }
      try {
        this.tables = (await tablesByCenter()).get(d.code) ?? [];
      } catch {
        this.tablesUnavailable = true;
        return;
      }
    }
    await this.loadStatuses(d);
  }

  // Statuses of the tables on the current page; refetched only when the
  // center's counts change.
  private async loadStatuses(d: RegionDetail): Promise<void> {
    if (!this.tables) return;
    const visible = this.tables.slice(this.page * kPageSize, (this.page + 1) * kPageSize);
    const key = `${this.page}:${d.tables_counted}:${d.tables_conflicted}`;
    if (key === this.statusKey && visible.every((x) => this.tableStatus.has(x.id))) return;
    this.statusKey = key;
    const queue = [...visible];
    const worker = async () => {
      for (let x = queue.shift(); x; x = queue.shift()) {
        try {
          const td = await api.table(x.id, this.abort.signal);
          this.tableStatus.set(x.id, { table: td.table, status: td.status, flags: td.flags, registered: td.registered });
        } catch {
          // Left unknown; shown as "—".
        }
      }
    };
    await Promise.all([worker(), worker(), worker(), worker()]);
  }

  render(): Child[] {
    if (!state.bulletin) {
      if (state.noCheckpointYet) return [notice(t('no_checkpoint'))];
      if (state.bulletinError) return [errorBox(state.bulletinError, () => state.requestBulletin())];
      return [loading()];
    }
    if (this.notFound) return [h('h1', null, this.code ?? ''), notice(t('region_not_found', { code: this.code ?? '' }))];
    const r = this.region();
    if (!r) return this.error ? [errorBox(this.error, () => void this.refresh().then(this.redraw))] : [loading()];
    const b = state.bulletin;
    const national = this.code === null;
    // Below states, regions are not in the bulletin: /v1/regions gives the
    // ancestors.
    const path: { code: string; name: string }[] = this.detail?.path
      ? [...this.detail.path, r]
      : [...(r.parent ? state.pathTo(r.parent) : []), r];
    const children = this.detail ? this.detail.children : (state.childrenOf.get(r.code) ?? []);
    const out: Child[] = [];
    if (!national) {
      out.push(crumbs(path.map((p, i) => ({ label: i === 0 ? t('national') : p.name, href: i === 0 ? '#/' : regionHref(p.code) }))));
    }
    out.push(
      h('div', { class: 'page-head' },
        h('h1', null, national ? t('national') : r.name),
        h('span', { class: 'level' }, national ? b.regions[0].name : `${levelLabel(r.level)} · ${r.code}`),
      ),
    );
    out.push(summary(r));
    out.push(contests(b.contests, r.contests));
    if (national) {
      out.push(
        h('div', { class: 'grid2' },
          checkpointCard(b.checkpoint.size, b.checkpoint.root, b.generated_at * 1000, state.witnesses !== null && !state.witnesses.quorum_met),
          h('section', { class: 'card' },
            h('h3', null, t('flags')),
            h('p', null, link('#/flags', t('flags_total', { n: fmtInt(b.flags_total) }))),
            h('p', null, t('conflicted'), ': ', fmtInt(r.tables_conflicted)),
            tableSearch(),
          ),
        ),
      );
      if (state.witnesses) out.push(witnessCard(state.witnesses));
    } else if (this.detail) {
      out.push(h('p', { class: 'note' }, t('as_of_log', { n: fmtInt(this.detail.log_size) })));
    }
    out.push(arrivalCard(this.arrivals, this.arrivalsError));
    if (children.length > 0) out.push(this.childList(children, b.contests[0]?.candidates.map((c) => c.name) ?? []));
    if (r.level === 'voting_center') out.push(this.tableList());
    return out;
  }

  private childList(children: RegionTotals[], names: string[]): HTMLElement {
    const f = this.filter.trim().toLowerCase();
    let list = f ? children.filter((c) => c.name.toLowerCase().includes(f) || c.code.toLowerCase().includes(f)) : children.slice();
    if (this.sort === 'name') list.sort((a, b) => a.name.localeCompare(b.name));
    else if (this.sort === 'progress') list.sort((a, b) => pct(b.tables_counted, b.tables_expected) - pct(a.tables_counted, a.tables_expected));
    else list.sort((a, b) => b.registered - a.registered);
    const pages = Math.max(1, Math.ceil(list.length / kPageSize));
    if (this.page >= pages) this.page = pages - 1;
    const shown = list.slice(this.page * kPageSize, (this.page + 1) * kPageSize);
    const level = levelLabel(children[0].level);
    const sortSelect = h(
      'select',
      { id: 'child-sort', 'data-focus': 'child-sort', onchange: (e: Event) => { this.sort = (e.target as HTMLSelectElement).value as SortKey; this.page = 0; this.redraw(); } },
      (['name', 'progress', 'registered'] as SortKey[]).map((k) => h('option', { value: k, selected: this.sort === k }, t(`sort_${k}`))),
    );
    const filterInput = h('input', {
      id: 'child-filter', type: 'search', value: this.filter, 'data-focus': 'child-filter', placeholder: t('filter_placeholder'),
      oninput: (e: Event) => { this.filter = (e.target as HTMLInputElement).value; this.page = 0; this.redraw(); },
    });
    return h(
      'section',
      { class: 'card children', 'aria-labelledby': 'children-title' },
      h('div', { class: 'card-head' },
        h('h2', { id: 'children-title' }, `${level} (${fmtInt(children.length)})`),
        h('div', { class: 'controls' },
          h('label', { for: 'child-filter' }, t('filter')), filterInput,
          h('label', { for: 'child-sort' }, t('sort_by')), sortSelect),
      ),
      shown.length === 0 ? h('p', { class: 'muted' }, t('no_match')) : null,
      h('div', { class: 'table-scroll' },
        h('table', { class: 'data' },
          h('thead', null, h('tr', null,
            h('th', { scope: 'col' }, level),
            h('th', { scope: 'col' }, t('tables')),
            h('th', { scope: 'col', class: 'num' }, t('turnout')),
            h('th', { scope: 'col', class: 'hide-phone' }, t('leader')),
          )),
          h('tbody', null, shown.map((c) => this.childRow(c, names))),
        ),
      ),
      pager(this.page, pages, (p) => { this.page = p; this.redraw(); }, 'children'),
    );
  }

  private childRow(c: RegionTotals, names: string[]): HTMLElement {
    const c0 = c.contests[0];
    const li = c0 && c0.leader !== null ? state.bulletin!.contests[0].candidates.findIndex((x) => x.id === c0.leader) : -1;
    const done = `${fmtInt(c.tables_counted)} / ${fmtInt(c.tables_expected)}`;
    return h('tr', null,
      h('th', { scope: 'row' }, link(regionHref(c.code), c.name), c.tables_conflicted > 0 ? h('span', { class: 'chip flag-conflict' }, '⚠ ', fmtInt(c.tables_conflicted)) : null),
      h('td', { class: 'prog' }, h('span', { class: 'prog-text' }, done), progressBar(c.tables_counted, c.tables_expected, `${c.name}: ${t('tables_counted')}`, done)),
      h('td', { class: 'num' }, c.registered_counted > 0 ? fmtPct(Number(c.turnout)) : '—'),
      h('td', { class: 'hide-phone' }, li >= 0 ? `${names[li]} (${fmtPct(pct(c0.votes[li], sum(c0.votes)))})` : '—'),
    );
  }

  private tableList(): HTMLElement {
    const head = h('h2', { id: 'tables-title' }, t('tables'));
    if (this.tablesUnavailable || !this.tables) {
      return h('section', { class: 'card', 'aria-labelledby': 'tables-title' }, head,
        this.tablesUnavailable ? h('p', null, t('tables_list_unavailable')) : loading(), tableSearch());
    }
    const pages = Math.max(1, Math.ceil(this.tables.length / kPageSize));
    const shown = this.tables.slice(this.page * kPageSize, (this.page + 1) * kPageSize);
    return h('section', { class: 'card', 'aria-labelledby': 'tables-title' },
      h('div', { class: 'card-head' }, h('h2', { id: 'tables-title' }, `${t('tables')} (${fmtInt(this.tables.length)})`)),
      h('div', { class: 'table-scroll' },
        h('table', { class: 'data' },
          h('thead', null, h('tr', null,
            h('th', { scope: 'col' }, t('table')),
            h('th', { scope: 'col', class: 'num' }, t('registered')),
            h('th', { scope: 'col' }, t('status')),
            h('th', { scope: 'col' }, t('flags')))),
          h('tbody', null, shown.map((x) => {
            const st = this.tableStatus.get(x.id);
            const flags = st?.flags ?? state.flagsByTable.get(x.id) ?? [];
            return h('tr', { 'data-table': x.id },
              h('th', { scope: 'row' }, link(tableHref(x.id), `${t('table')} ${x.id}`)),
              h('td', { class: 'num' }, x.registered ? fmtInt(x.registered) : '—'),
              h('td', null, st ? h('span', { class: `status status-${st.status}` }, statusName(st.status)) : '—'),
              h('td', null, flagChips(flags)));
          })),
        ),
      ),
      pager(this.page, pages, (p) => {
        this.page = p;
        if (this.detail) void this.loadStatuses(this.detail).then(this.redraw);
        this.redraw();
      }, 'tables'),
    );
  }
}
