// The "arrival" card: tables first counted per minute (or wider bucket) in
// a region, as stacked columns by child region (the center already keeps
// only the top children and sums the rest as "other", /v1/arrivals).
//
// Bounded DOM: one <path> per series however many columns, and columns are
// merged client-side so each is at least ~3 px wide (the center sends at
// most 720 buckets).

import { drawAtWidth, niceStep, PALETTE } from './charts';
import { link, regionHref } from './components';
import { h, s } from './dom';
import { fmtClock, fmtInt, t } from './i18n';
import type { Arrivals } from './types';

export const kArrivalTop = 8;
// At least this many columns are drawn (empty ones before the first
// arrival), so a few minutes of data do not become a few huge blocks.
const kMinColumns = 30;
const kOtherColor = '#8a94a6';

interface Stack {
  name: string;
  code: string | null;
  color: string;
  total: number;
  counts: number[]; // dense, aligned with xs
}

// Dense columns from the first to the last non-empty bucket, merging
// `merge` buckets into one column.
function densify(a: Arrivals, merge: number): { xs: number[]; stacks: Stack[]; totals: number[] } {
  const series: Stack[] = a.children.map((c, i) => ({ name: c.name, code: c.code, color: PALETTE[i % PALETTE.length], total: c.total, counts: c.counts }));
  if (a.other && a.other.regions > 0) {
    series.push({ name: t('arrival_other', { n: fmtInt(a.other.regions) }), code: null, color: kOtherColor, total: a.other.total, counts: a.other.counts });
  }
  // A voting center has no children: its totals are the one series.
  if (series.length === 0) series.push({ name: a.name, code: null, color: PALETTE[0], total: a.total, counts: a.totals });
  if (a.starts_ms.length === 0) return { xs: [], stacks: series.map((x) => ({ ...x, counts: [] })), totals: [] };
  const step = a.bucket_ms * merge;
  const last = Math.floor(a.starts_ms[a.starts_ms.length - 1] / step) * step;
  const first = Math.min(Math.floor(a.starts_ms[0] / step) * step, last - (kMinColumns - 1) * step);
  const n = Math.floor((last - first) / step) + 1;
  const xs = Array.from({ length: n }, (_, i) => first + i * step);
  const totals = new Array<number>(n).fill(0);
  const stacks = series.map((se) => {
    const dense = new Array<number>(n).fill(0);
    a.starts_ms.forEach((ms, i) => {
      const col = Math.floor((ms - first) / step);
      dense[col] += se.counts[i] ?? 0;
      totals[col] += se.counts[i] ?? 0;
    });
    return { ...se, counts: dense };
  });
  return { xs, stacks, totals };
}

// Draws the columns at `width` px; `columns` gets the column width in text.
function columnsSvg(a: Arrivals, width: number, columns: HTMLElement): SVGElement {
  const height = 220;
  const m = { top: 12, right: 12, bottom: 28, left: 56 };
  const iw = width - m.left - m.right;
  const ih = height - m.top - m.bottom;
  const buckets = a.starts_ms.length === 0 ? 1 : Math.floor((a.starts_ms[a.starts_ms.length - 1] - a.starts_ms[0]) / a.bucket_ms) + 1;
  const merge = Math.max(1, Math.ceil(buckets / Math.max(1, Math.floor(iw / 3))));
  const { xs, stacks, totals } = densify(a, merge);
  const yMax = 4 * niceStep(Math.max(1, ...totals));
  const n = Math.max(1, xs.length);
  const cw = iw / n;
  const X = (i: number) => m.left + i * cw;
  const Y = (v: number) => m.top + ih - (v / yMax) * ih;
  const label = `${t('arrival_per', { n: fmtInt((a.bucket_ms * merge) / 60000) })}: ${a.name}`;
  columns.textContent = t('arrival_columns', { b: fmtInt((a.bucket_ms * merge) / 60000) });
  const svg = s('svg', { width, height, viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': label, class: 'chart-svg' });
  for (let i = 0; i <= 4; i++) {
    const v = (yMax * i) / 4;
    svg.appendChild(s('line', { x1: m.left, x2: width - m.right, y1: Y(v), y2: Y(v), class: 'grid' }));
    svg.appendChild(s('text', { x: m.left - 6, y: Y(v) + 4, 'text-anchor': 'end', class: 'tick' }, fmtInt(v)));
  }
  // Time labels ~90 px apart, under column starts.
  // The last column is always labelled (the latest minute), right-aligned.
  const every = Math.max(1, Math.ceil(90 / cw));
  const lastX = X(xs.length);
  for (let i = 0; i < xs.length - 1; i += every) {
    if (X(i) + 40 > lastX - 70) break;
    svg.appendChild(s('text', { x: X(i), y: height - 8, 'text-anchor': i === 0 ? 'start' : 'middle', class: 'tick' }, fmtClock(xs[i])));
  }
  if (xs.length > 0) svg.appendChild(s('text', { x: lastX, y: height - 8, 'text-anchor': 'end', class: 'tick' }, fmtClock(xs[xs.length - 1])));
  const gap = cw > 4 ? Math.min(2, cw * 0.15) : 0;
  const base = new Array<number>(xs.length).fill(0);
  for (const st of stacks) {
    let d = '';
    st.counts.forEach((v, i) => {
      if (v <= 0) return;
      const y0 = Y(base[i]);
      const y1 = Y(base[i] + v);
      base[i] += v;
      d += `M${(X(i) + gap / 2).toFixed(1)},${y0.toFixed(1)}V${y1.toFixed(1)}h${(cw - gap).toFixed(1)}V${y0.toFixed(1)}Z`;
    });
    if (d) svg.appendChild(s('path', { d, fill: st.color }));
  }
  return svg;
}

// The card: the chart, a legend linking to each child region, and the
// numbers in text. A table that arrived and later conflicted still arrived,
// so the total is the bulletin's counted + conflicted tables.
export function arrivalCard(a: Arrivals | null, error: string | null): HTMLElement {
  const title = h('h2', { id: 'arrival-title' }, t('arrival_minute'));
  if (!a) {
    return h('section', { class: 'card arrival-card', 'aria-labelledby': 'arrival-title' }, title,
      h('p', { class: 'muted' }, error ? `${t('error_load')}: ${error}` : t('loading')));
  }
  const box = h('div', { class: 'chart' });
  const { stacks } = densify(a, 1);
  const legend = h('ul', { class: 'legend' }, stacks.map((st) =>
    h('li', null, h('span', { class: 'swatch', style: `background:${st.color}` }),
      st.code ? link(regionHref(st.code), st.name) : st.name, ' ', h('span', { class: 'muted' }, fmtInt(st.total)))));
  const wrap = h('figure', { class: 'chart-wrap' }, box, legend);
  const peak = a.totals.reduce((best, v, i) => (v > a.totals[best] ? i : best), 0);
  // Filled in at draw time: on a narrow screen columns merge buckets.
  const columns = h('span', null, t('arrival_columns', { b: fmtInt(a.bucket_ms / 60000) }));
  const card = h('section', { class: 'card arrival-card', id: 'arrival-card', 'aria-labelledby': 'arrival-title', 'data-total': a.total, 'data-size': a.checkpoint.size },
    title,
    h('p', null, t('arrival_total', { n: fmtInt(a.total), e: fmtInt(a.tables_expected) })),
    a.total === 0 ? h('p', { class: 'muted' }, t('arrival_empty')) : wrap,
    a.total > 0
      ? h('p', { class: 'note' }, columns, ' ',
        t('arrival_note', { b: fmtInt(a.bucket_ms / 60000), p: fmtInt(a.totals[peak] ?? 0), at: fmtClock(a.starts_ms[peak] ?? 0), n: fmtInt(a.checkpoint.size) }))
      : null,
  );
  if (a.total > 0) drawAtWidth(box, wrap, (width) => columnsSvg(a, width, columns));
  return card;
}
