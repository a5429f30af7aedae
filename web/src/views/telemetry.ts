// Attack telemetry (#/telemetry) from /v1/telemetry (shape in README,
// "Telemetry JSON"). Centers that do not publish it answer 404: the page
// says so plainly. Refreshed every 15 s while this view is open and the
// tab visible (60 s while absent): rejected traffic makes no checkpoints,
// so live checkpoint events cannot drive this view.

import { api, HttpError } from '../api';
import { barList, PALETTE, timeChart, type Series } from '../charts';
import { errorBox, loading, notice, stat } from '../components';
import { h, type Child } from '../dom';
import { fmtInt, fmtPct, fmtTime, t } from '../i18n';
import type { Telemetry } from '../types';
import type { Redraw, View } from './view';

export class TelemetryView implements View {
  private data: Telemetry | null = null;
  private absent = false;
  private error: string | null = null;
  private loaded = false;
  private timer: number;
  private ticks = 0;
  private abort = new AbortController();

  constructor(private readonly redraw: Redraw) {
    this.timer = window.setInterval(() => {
      if (document.visibilityState !== 'visible') return;
      if (this.absent && ++this.ticks % 4 !== 0) return;
      void this.load().then(this.redraw);
    }, 15_000);
  }

  dispose(): void {
    window.clearInterval(this.timer);
    this.abort.abort();
  }

  title(): string {
    return t('telemetry_title');
  }

  // Live checkpoint events do not refetch telemetry (the timer does).
  async refresh(): Promise<void> {
    if (!this.loaded) await this.load();
  }

  private async load(): Promise<void> {
    try {
      this.data = await api.telemetry(this.abort.signal);
      this.absent = false;
      this.error = null;
    } catch (e) {
      if (this.abort.signal.aborted) return;
      if (e instanceof HttpError && e.status === 404) {
        this.absent = true;
        this.data = null;
      } else {
        this.error = e instanceof Error ? e.message : String(e);
      }
    }
    this.loaded = true;
  }

  render(): Child[] {
    const out: Child[] = [h('h1', null, t('telemetry_title'))];
    if (!this.loaded) return [...out, loading()];
    if (this.absent) return [...out, h('div', { class: 'notice', 'data-testid': 'telemetry-none' }, h('p', null, t('telemetry_none')))];
    if (!this.data) return [...out, this.error ? errorBox(this.error, () => void this.load().then(this.redraw)) : notice(t('telemetry_none'))];
    const d = this.data;
    const reasons = d.reasons ?? [];
    const byReason = reasons.map((_, i) => d.buckets.reduce((a, b) => a + (b.rejected[i] ?? 0), 0));
    const total = d.totals?.rejected ?? byReason.reduce((a, b) => a + b, 0);
    out.push(h('div', { class: 'summary' },
      stat(t('telemetry_total'), h('span', { 'data-testid': 'telemetry-total' }, fmtInt(total))),
      d.totals?.accepted !== undefined ? stat(t('telemetry_accepted'), fmtInt(d.totals.accepted)) : null,
      d.totals?.distinct_sources !== undefined ? stat(t('telemetry_sources'), fmtInt(d.totals.distinct_sources)) : null,
      d.totals?.by_lane ? stat(t('telemetry_by_lane'), h('span', { class: 'lanes' },
        Object.entries(d.totals.by_lane).map(([k, v]) => h('span', null, `${laneName(k)}: ${fmtInt(v)}`)))) : null,
    ));
    out.push(h('section', { class: 'card' },
      h('h2', null, t('telemetry_rejected')),
      byReason.every((v) => v === 0) ? h('p', { class: 'muted' }, t('telemetry_quiet')) : timeChart(this.reasonSeries(d, byReason), {
        label: t('telemetry_rejected'), yFormat: fmtInt, xFormat: fmtTime,
      })));
    if (d.distinct_sources_per_hour.length > 0) {
      out.push(h('section', { class: 'card' },
        h('h2', null, t('telemetry_distinct')),
        timeChart([{ name: t('addresses'), color: PALETTE[3], points: d.distinct_sources_per_hour.map((x) => [x.start_ms, x.estimate] as [number, number]) }],
          { label: t('telemetry_distinct'), yFormat: fmtInt, xFormat: (ms) => fmtTime(ms).slice(0, 5), bars: true, height: 180 })));
    }
    const nets = d.top_networks.slice(0, 20);
    const ranked = (list: { key: string; rejected: number }[], title: string, id: string) => {
      const max = Math.max(1, ...list.map((c) => c.rejected));
      return h('section', { class: 'card', 'data-testid': id },
        h('h2', null, title),
        list.length === 0 ? h('p', { class: 'muted' }, d.geo === false ? t('telemetry_no_geo') : '—') :
          barList(list.map((c) => ({
            label: c.key, value: fmtInt(c.rejected), pct: (100 * c.rejected) / max,
            pctText: total > 0 ? fmtPct((100 * c.rejected) / total, 1) : '', color: PALETTE[4],
          })), title));
    };
    out.push(h('div', { class: 'grid2' },
      h('section', { class: 'card' },
        h('h2', null, t('telemetry_networks')),
        nets.length === 0 ? h('p', { class: 'muted' }, '—') :
          h('div', { class: 'table-scroll' },
            h('table', { class: 'data', 'data-testid': 'telemetry-networks' },
              h('thead', null, h('tr', null, h('th', { scope: 'col' }, t('network')), h('th', { scope: 'col' }, t('country')), h('th', { scope: 'col', class: 'num' }, t('rejected')))),
              h('tbody', null, nets.map((n) => h('tr', null, h('td', null, h('code', null, n.network)), h('td', null, n.country ?? '—'), h('td', { class: 'num' }, fmtInt(n.rejected))))))),
        h('p', { class: 'note' }, t('telemetry_bound'))),
      h('div', null,
        ranked(d.countries.slice(0, 15).map((c) => ({ key: c.country, rejected: c.rejected })), t('telemetry_countries'), 'telemetry-countries'),
        d.asns && d.asns.length > 0 ? ranked(d.asns.slice(0, 15).map((c) => ({ key: c.asn, rejected: c.rejected })), t('telemetry_asns'), 'telemetry-asns') : null)));
    return out;
  }

  // One line per reason with rejections (the six largest; the rest summed
  // as "other reasons"), every bucket of the window present (the center
  // sends only non-empty buckets).
  private reasonSeries(d: Telemetry, byReason: number[]): Series[] {
    const step = Math.max(1, d.bucket_seconds) * 1000;
    const last = Math.floor(d.generated_at_ms / step) * step;
    const window = (d.window_seconds ?? 3600) * 1000;
    const first = Math.min(d.buckets[0]?.start_ms ?? last, last - window + step);
    const count = Math.min(2000, Math.floor((last - first) / step) + 1);
    const start = last - (count - 1) * step;
    const at = new Map(d.buckets.map((b) => [b.start_ms, b]));
    const order = byReason.map((v, i) => [v, i]).filter(([v]) => v > 0).sort((a, b) => b[0] - a[0]).map(([, i]) => i);
    const shown = order.slice(0, 6);
    const rest = order.slice(6);
    const series: Series[] = shown.map((ri, k) => ({ name: d.reasons[ri], color: PALETTE[k % PALETTE.length], points: [] }));
    if (rest.length > 0) series.push({ name: t('telemetry_other'), color: '#6b7684', points: [] });
    for (let i = 0; i < count; i++) {
      const ms = start + i * step;
      const b = at.get(ms);
      shown.forEach((ri, k) => series[k].points.push([ms, b?.rejected[ri] ?? 0]));
      if (rest.length > 0) series[shown.length].points.push([ms, b ? rest.reduce((a, ri) => a + (b.rejected[ri] ?? 0), 0) : 0]);
    }
    return series;
  }
}

function laneName(lane: string): string {
  return lane === 'terminal' ? t('lane_terminal') : lane === 'public' ? t('lane_public') : t('lane_none');
}
