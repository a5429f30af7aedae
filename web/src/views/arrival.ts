// Arrival over time (#/arrival): the log's size at every checkpoint (from
// /v1/checkpoints, extended by live events) and the national tables counted
// seen by this page since it was opened.

import { timeChart, PALETTE } from '../charts';
import { errorBox, loading } from '../components';
import { h, type Child } from '../dom';
import { fmtInt, fmtTime, t } from '../i18n';
import { state } from '../state';
import type { Redraw, View } from './view';

export class ArrivalView implements View {
  private error: string | null = null;

  constructor(private readonly redraw: Redraw) {}

  title(): string {
    return t('arrival');
  }

  async refresh(): Promise<void> {
    try {
      await state.loadCheckpoints();
      this.error = null;
    } catch (e) {
      this.error = e instanceof Error ? e.message : String(e);
    }
  }

  render(): Child[] {
    const out: Child[] = [h('h1', null, t('arrival'))];
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

