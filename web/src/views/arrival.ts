// Arrival over time (#/arrival): national tables arrived per minute by
// state (/v1/arrivals), the log's size at every checkpoint (from
// /v1/checkpoints, extended by live events), the national tables counted
// seen by this page since it was opened, and the first flagged tables with
// links.

import { api } from '../api';
import { arrivalCard, kArrivalTop } from '../arrival_chart';
import { timeChart, PALETTE } from '../charts';
import { errorBox, flagChips, link, loading, tableHref } from '../components';
import { h, type Child } from '../dom';
import { fmtInt, fmtTime, t } from '../i18n';
import { state } from '../state';
import type { Arrivals } from '../types';
import type { Redraw, View } from './view';

const kFlagsShown = 10;

export class ArrivalView implements View {
  private error: string | null = null;
  private arrivals: Arrivals | null = null;
  private arrivalsError: string | null = null;
  private abort = new AbortController();

  constructor(private readonly redraw: Redraw) {}

  dispose(): void {
    this.abort.abort();
  }

  title(): string {
    return t('arrival');
  }

  async refresh(): Promise<void> {
    const size = state.bulletin?.checkpoint.size ?? 0;
    if (!this.arrivals || this.arrivals.checkpoint.size < size) {
      try {
        this.arrivals = await api.arrivals(null, kArrivalTop, this.abort.signal);
        this.arrivalsError = null;
      } catch (e) {
        if (this.abort.signal.aborted) return;
        this.arrivalsError = e instanceof Error ? e.message : String(e);
      }
    }
    try {
      await state.loadCheckpoints();
      this.error = null;
    } catch (e) {
      this.error = e instanceof Error ? e.message : String(e);
    }
  }

  render(): Child[] {
    const out: Child[] = [h('h1', null, t('arrival')), arrivalCard(this.arrivals, this.arrivalsError)];
    const b = state.bulletin;
    if (b && b.flags.length > 0) {
      out.push(h('section', { class: 'card' },
        h('h2', null, t('flags')),
        h('p', null, link('#/flags', t('flags_total', { n: fmtInt(b.flags_total) }))),
        h('ul', { class: 'flag-list' }, b.flags.slice(0, kFlagsShown).map((f) =>
          h('li', null, link(tableHref(f.table), `${t('table')} ${f.table}`), ' ', flagChips(f.flags))))));
    }
    if (this.error) return [...out, errorBox(this.error, () => void this.refresh().then(this.redraw))];
    if (!state.checkpoints) return [...out, loading()];
    const cps = state.checkpoints.filter((c) => c.created_at_ms > 0);
    const nat = state.national();
    const obs = state.observed;
    const series = [
      { name: t('arrival_log'), color: PALETTE[0], points: cps.map((c) => [c.created_at_ms, c.size] as [number, number]), step: true },
      { name: t('arrival_observed'), color: PALETTE[2], points: obs.map((o) => [o.ms, o.counted] as [number, number]), step: true },
    ];
    out.push(
      h('section', { class: 'card' },
        h('h2', null, t('arrival_chart')),
        nat ? h('p', null, t('tables_counted'), ': ', h('strong', null, fmtInt(nat.tables_counted)), ` ${t('of')} `, fmtInt(nat.tables_expected)) : null,
        cps.length === 0 && obs.length === 0
          ? h('p', { class: 'muted' }, t('arrival_none'))
          : timeChart(series, { label: t('arrival_chart'), yFormat: fmtInt, xFormat: fmtTime }),
        h('p', { class: 'note' }, t('arrival_points', { n: fmtInt(cps.length) }))),
    );
    // A text version of the recent checkpoints for screen readers and copying.
    const recent = cps.slice(-10).reverse();
    if (recent.length > 0) {
      out.push(h('section', { class: 'card' },
        h('h2', null, t('checkpoint')),
        h('div', { class: 'table-scroll' },
          h('table', { class: 'data' },
            h('thead', null, h('tr', null, h('th', { scope: 'col' }, t('time')), h('th', { scope: 'col', class: 'num' }, t('tree_size')), h('th', { scope: 'col' }, t('root')))),
            h('tbody', null, recent.map((c) => h('tr', null,
              h('td', null, fmtTime(c.created_at_ms)), h('td', { class: 'num' }, fmtInt(c.size)), h('td', null, h('code', { class: 'hash' }, c.root)))))))));
    }
    return out;
  }
}

