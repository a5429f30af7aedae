// Hand-written charts: horizontal bars as HTML (text stays crisp, readable by
// screen readers, wraps on phones) and time series as SVG sized to the
// container's real pixel width (so labels keep their size on a phone).

import { h, s } from './dom';

export const PALETTE = ['#1f5fbf', '#c2410c', '#047857', '#7e22ce', '#b91c1c', '#0e7490', '#a16207', '#be185d'];

export interface Bar {
  label: string;
  sub?: string;
  value: string; // formatted
  pct: number; // 0..100, bar length
  pctText: string;
  color: string;
  strong?: boolean;
}

export function barList(bars: Bar[], caption: string): HTMLElement {
  return h(
    'ul',
    { class: 'bars', 'aria-label': caption },
    bars.map((b) =>
      h(
        'li',
        { class: b.strong ? 'bar strong' : 'bar' },
        h('div', { class: 'bar-head' },
          h('span', { class: 'bar-label' }, b.label, b.sub ? h('span', { class: 'bar-sub' }, b.sub) : null),
          h('span', { class: 'bar-nums' }, h('span', { class: 'bar-pct' }, b.pctText), h('span', { class: 'bar-val' }, b.value)),
        ),
        h('div', { class: 'bar-track', 'aria-hidden': 'true' },
          h('div', { class: 'bar-fill', style: `width:${Math.max(0, Math.min(100, b.pct)).toFixed(2)}%;background:${b.color}` }),
        ),
      ),
    ),
  );
}

export function progressBar(done: number, total: number, label: string, text: string): HTMLElement {
  const pct = total > 0 ? (100 * done) / total : 0;
  return h(
    'div',
    { class: 'progress', role: 'progressbar', 'aria-label': label, 'aria-valuemin': 0, 'aria-valuemax': total, 'aria-valuenow': done, 'aria-valuetext': text },
    h('div', { class: 'progress-fill', style: `width:${Math.min(100, pct).toFixed(2)}%` }),
  );
}

export interface Series {
  name: string;
  color: string;
  points: [number, number][]; // x = ms since epoch, y = value; sorted by x
  step?: boolean;
}

export interface ChartOptions {
  height?: number;
  label: string;
  yFormat: (v: number) => string;
  xFormat: (ms: number) => string;
  bars?: boolean; // draw the single series as columns
}

// Keeps at most `max` points: the largest y in each stride (counts only
// grow, so this keeps the curve's shape) plus the last point.
function downsample(points: [number, number][], max: number): [number, number][] {
  if (points.length <= max) return points;
  const stride = Math.ceil(points.length / max);
  const out: [number, number][] = [];
  for (let i = 0; i < points.length; i += stride) {
    let best = points[i];
    for (let j = i; j < Math.min(points.length, i + stride); j++) if (points[j][1] > best[1]) best = points[j];
    out.push(best);
  }
  const last = points[points.length - 1];
  if (out[out.length - 1] !== last) out.push(last);
  return out;
}

// A round step so that 4 steps cover v (integers only: counts).
export function niceStep(v: number): number {
  const raw = Math.max(1, v / 4);
  const p = Math.pow(10, Math.floor(Math.log10(raw)));
  for (const m of [1, 2, 5, 10]) if (m * p >= raw) return Math.max(1, Math.ceil(m * p));
  return 10 * p;
}

const observers: { ro: ResizeObserver; el: HTMLElement }[] = [];

// Disconnects the observers of charts no longer in the page; the router
// calls it after every render.
export function sweepCharts(): void {
  for (let i = observers.length - 1; i >= 0; i--) {
    if (!observers[i].el.isConnected) {
      observers[i].ro.disconnect();
      observers.splice(i, 1);
    }
  }
}

// A chart element that redraws itself to its width (ResizeObserver).
export function timeChart(series: Series[], opts: ChartOptions): HTMLElement {
  const box = h('div', { class: 'chart' });
  const legend = h(
    'ul',
    { class: 'legend' },
    series.map((se) => h('li', null, h('span', { class: 'swatch', style: `background:${se.color}` }), se.name)),
  );
  const wrap = h('figure', { class: 'chart-wrap' }, box, series.length > 1 ? legend : null);
  drawAtWidth(box, wrap, (width) => render(series, opts, width));
  return wrap;
}

// Fills `box` with draw(width) now and whenever its width changes; the
// observer goes away with `owner` (sweepCharts).
export function drawAtWidth(box: HTMLElement, owner: HTMLElement, draw: (width: number) => Element): void {
  let lastWidth = 0;
  const redraw = (width: number) => {
    if (width < 50 || Math.abs(width - lastWidth) < 2) return;
    lastWidth = width;
    box.replaceChildren(draw(width));
  };
  const ro = new ResizeObserver((entries) => redraw(entries[0].contentRect.width));
  ro.observe(box);
  observers.push({ ro, el: owner });
  queueMicrotask(() => redraw(box.clientWidth || 600));
}

function render(series: Series[], opts: ChartOptions, width: number): SVGElement {
  const height = opts.height ?? 220;
  const m = { top: 12, right: 16, bottom: 28, left: 64 };
  const iw = width - m.left - m.right;
  const ih = height - m.top - m.bottom;
  const all = series.flatMap((se) => se.points);
  let x0 = Math.min(...all.map((p) => p[0]));
  let x1 = Math.max(...all.map((p) => p[0]));
  if (!isFinite(x0)) {
    x0 = Date.now() - 60_000;
    x1 = Date.now();
  }
  if (opts.bars) {
    // Room for half a column at each end.
    const xs = [...new Set(all.map((p) => p[0]))].sort((a, b) => a - b);
    let gap = Infinity;
    for (let i = 1; i < xs.length; i++) gap = Math.min(gap, xs[i] - xs[i - 1]);
    const half = (isFinite(gap) ? gap : 3_600_000) / 2;
    x0 -= half;
    x1 += half;
  }
  if (x1 - x0 < 1000) {
    x0 -= 30_000;
    x1 += 30_000;
  }
  const yMax = 4 * niceStep(Math.max(0, ...all.map((p) => p[1])));
  const X = (x: number) => m.left + ((x - x0) / (x1 - x0)) * iw;
  const Y = (y: number) => m.top + ih - (y / yMax) * ih;
  const svg = s('svg', { width, height, viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': opts.label, class: 'chart-svg' });
  // Grid and y labels.
  for (let i = 0; i <= 4; i++) {
    const v = (yMax * i) / 4;
    const y = Y(v);
    svg.appendChild(s('line', { x1: m.left, x2: width - m.right, y1: y, y2: y, class: 'grid' }));
    svg.appendChild(s('text', { x: m.left - 6, y: y + 4, 'text-anchor': 'end', class: 'tick' }, opts.yFormat(v)));
  }
  // X labels: under each column for column charts, else as many as fit
  // at ~110 px each.
  const columnXs = opts.bars ? [...new Set(all.map((p) => p[0]))].sort((a, b) => a - b) : [];
  if (opts.bars && columnXs.length > 0) {
    const every = Math.max(1, Math.ceil((columnXs.length * 60) / iw));
    columnXs.forEach((x, i) => {
      if (i % every === 0) svg.appendChild(s('text', { x: X(x), y: height - 8, 'text-anchor': 'middle', class: 'tick' }, opts.xFormat(x)));
    });
  } else {
    const nx = Math.max(2, Math.min(6, Math.floor(iw / 110)));
    for (let i = 0; i < nx; i++) {
      const x = x0 + ((x1 - x0) * i) / (nx - 1);
      const anchor = i === 0 ? 'start' : i === nx - 1 ? 'end' : 'middle';
      svg.appendChild(s('text', { x: X(x), y: height - 8, 'text-anchor': anchor, class: 'tick' }, opts.xFormat(x)));
    }
  }
  for (const se of series) {
    const pts = downsample(se.points, Math.max(50, Math.floor(iw / 2)));
    if (pts.length === 0) continue;
    if (opts.bars) {
      const bw = Math.max(2, Math.min(40, (iw / Math.max(1, pts.length)) * 0.7));
      for (const [x, y] of pts) {
        svg.appendChild(s('rect', { x: X(x) - bw / 2, y: Y(y), width: bw, height: Math.max(0, m.top + ih - Y(y)), fill: se.color }));
      }
      continue;
    }
    let d = '';
    pts.forEach(([x, y], i) => {
      if (i === 0) d += `M${X(x).toFixed(1)},${Y(y).toFixed(1)}`;
      else if (se.step) d += `H${X(x).toFixed(1)}V${Y(y).toFixed(1)}`;
      else d += `L${X(x).toFixed(1)},${Y(y).toFixed(1)}`;
    });
    svg.appendChild(s('path', { d, fill: 'none', stroke: se.color, 'stroke-width': 2.5, 'stroke-linejoin': 'round' }));
    const [lx, ly] = pts[pts.length - 1];
    svg.appendChild(s('circle', { cx: X(lx), cy: Y(ly), r: 3.5, fill: se.color }));
  }
  return svg;
}
