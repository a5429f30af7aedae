// Entry point: the header (sections, live status, language), the hash
// router (#/, #/region/CODE, #/table/ID, #/arrival, #/flags, #/telemetry,
// #/audit, #/observer, #/data) and the live-update wiring.

import './styles.css';
import { sweepCharts } from './charts';
import { h, replaceKeepingFocus } from './dom';
import { currentLang, fmtInt, setLang, t, type Key } from './i18n';
import { state } from './state';
import { ArrivalView } from './views/arrival';
import { AuditView } from './views/audit';
import { LazyObserverView } from './views/observer_lazy';
import { DataView } from './views/data';
import { FlagsView } from './views/flags';
import { RegionView } from './views/region';
import { TableView } from './views/table';
import { TelemetryView } from './views/telemetry';
import type { View } from './views/view';

const main = document.getElementById('main')!;
const nav = document.getElementById('nav')!;
const liveEl = document.getElementById('live')!;
const langBtn = document.getElementById('lang')!;
const announce = document.getElementById('announce')!;
const foot = document.getElementById('foot')!;
const skip = document.getElementById('skip-link')!;

const SECTIONS: { href: string; key: Key; match: (r: string) => boolean }[] = [
  { href: '#/', key: 'nav_results', match: (r) => r === '' || r.startsWith('region/') || r.startsWith('table/') },
  { href: '#/arrival', key: 'nav_arrival', match: (r) => r === 'arrival' },
  { href: '#/flags', key: 'nav_flags', match: (r) => r.startsWith('flags') },
  { href: '#/telemetry', key: 'nav_telemetry', match: (r) => r === 'telemetry' },
  { href: '#/audit', key: 'nav_audit', match: (r) => r === 'audit' },
  { href: '#/observer', key: 'nav_observer', match: (r) => r === 'observer' },
  { href: '#/data', key: 'nav_data', match: (r) => r === 'data' },
];

let view: View | null = null;
let route = '';
let refreshing = false;
let refreshAgain = false;

function currentRoute(): string | null {
  const hash = location.hash;
  if (hash === '' || hash === '#' || hash === '#/') return '';
  if (!hash.startsWith('#/')) return null; // e.g. the skip link: not a route
  return hash.slice(2);
}

function makeView(r: string): View {
  const redraw = () => draw();
  const [head, ...rest] = r.split('/');
  const arg = decodeURIComponent(rest.join('/'));
  switch (head) {
    case 'region':
      return new RegionView(arg, redraw);
    case 'table':
      return new TableView(/^\d{1,10}$/.test(arg) ? Number(arg) : -1, redraw);
    case 'arrival':
      return new ArrivalView(redraw);
    case 'flags':
      return new FlagsView(redraw, arg || null);
    case 'telemetry':
      return new TelemetryView(redraw);
    case 'audit':
      return new AuditView(redraw);
    case 'observer':
      return new LazyObserverView(redraw);
    case 'data':
      return new DataView();
    default:
      return new RegionView(null, redraw);
  }
}

function draw(): void {
  if (!view) return;
  replaceKeepingFocus(main, view.render());
  document.title = `${view.title()} — acta`;
  sweepCharts();
}

// Refetches the view's own data (if any) then redraws; calls that arrive
// while one is running collapse into one more run.
async function refreshView(): Promise<void> {
  if (refreshing) {
    refreshAgain = true;
    return;
  }
  refreshing = true;
  try {
    do {
      refreshAgain = false;
      const v = view;
      if (v?.refresh) await v.refresh();
      if (v === view) draw();
    } while (refreshAgain);
  } finally {
    refreshing = false;
  }
}

function navigate(): void {
  const r = currentRoute();
  if (r === null) return;
  const changed = r !== route || !view;
  route = r;
  renderChrome();
  if (!changed) return;
  view?.dispose?.();
  view = makeView(r);
  draw();
  window.scrollTo(0, 0);
  void refreshView();
}

function renderChrome(): void {
  nav.setAttribute('aria-label', t('nav_label'));
  nav.replaceChildren(
    h('ul', null, SECTIONS.map((s) =>
      h('li', null, h('a', { href: s.href, 'aria-current': s.match(route) ? 'page' : null }, t(s.key))))),
  );
  langBtn.textContent = t('lang_switch');
  langBtn.setAttribute('aria-label', t('lang_switch_label'));
  langBtn.setAttribute('lang', currentLang() === 'es' ? 'en' : 'es');
  skip.textContent = t('skip');
  renderLive();
  renderFoot();
  const name = document.getElementById('election-name')!;
  name.textContent = state.bulletin?.regions[0]?.name ?? '';
}

function renderLive(): void {
  const key: Key = state.live === 'on' ? 'live_on' : state.live === 'off' ? 'live_off' : 'live_connecting';
  liveEl.className = `live live-${state.live}`;
  liveEl.textContent = t(key);
}

function renderFoot(): void {
  const b = state.bulletin;
  foot.replaceChildren(h('p', null, t('footer')));
  if (b) foot.append(h('p', { class: 'muted' }, `${t('checkpoint')} ${fmtInt(b.checkpoint.size)} · `, h('code', null, b.checkpoint.root)));
}

let lastAnnounce = 0;
state.onBulletin(() => {
  renderChrome();
  void refreshView();
  const b = state.bulletin;
  // Screen readers hear about updates at most every 30 s.
  if (b && Date.now() - lastAnnounce > 30_000) {
    lastAnnounce = Date.now();
    announce.textContent = t('updated', { n: fmtInt(b.checkpoint.size) });
  }
});
state.onLive(renderLive);

langBtn.addEventListener('click', () => {
  setLang(currentLang() === 'es' ? 'en' : 'es');
  renderChrome();
  draw();
});

skip.addEventListener('click', (e) => {
  e.preventDefault();
  main.focus();
});

window.addEventListener('hashchange', navigate);
setLang(currentLang());
// Exposed for the browser test (bulletin fetch count, state) and debugging.
(window as unknown as Record<string, unknown>).__acta = state;
navigate();
state.start();
