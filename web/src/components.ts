// Building blocks shared by the views.

import { barList, PALETTE, progressBar } from './charts';
import { copyText, h, type Child } from './dom';
import { contestTotals, pct } from './format';
import { flagName, fmtDateTime, fmtInt, fmtPct, levelName, t } from './i18n';
import type { ContestInfo, ContestTotals, RegionTotals, Witnesses } from './types';

export function link(href: string, ...children: Child[]): HTMLElement {
  return h('a', { href }, ...children);
}

export function regionHref(code: string): string {
  return `#/region/${encodeURIComponent(code)}`;
}

export function tableHref(id: number): string {
  return `#/table/${id}`;
}

export function loading(): HTMLElement {
  return h('p', { class: 'muted', role: 'status' }, t('loading'));
}

export function errorBox(message: string, retry?: () => void): HTMLElement {
  return h(
    'div',
    { class: 'notice error', role: 'alert' },
    h('p', null, `${t('error_load')}: ${message}`),
    retry ? h('button', { type: 'button', onclick: () => retry() }, t('retry')) : null,
  );
}

export function notice(text: string): HTMLElement {
  return h('div', { class: 'notice' }, h('p', null, text));
}

export function crumbs(path: { label: string; href?: string }[]): HTMLElement {
  return h(
    'nav',
    { class: 'crumbs', 'aria-label': 'breadcrumb' },
    h(
      'ol',
      null,
      path.map((p, i) =>
        h('li', null, p.href && i < path.length - 1 ? link(p.href, p.label) : h('span', { 'aria-current': 'page' }, p.label)),
      ),
    ),
  );
}

export function stat(label: string, value: Child, sub?: Child): HTMLElement {
  return h('div', { class: 'stat' }, h('div', { class: 'stat-label' }, label), h('div', { class: 'stat-value' }, value), sub ? h('div', { class: 'stat-sub' }, sub) : null);
}

// Tables counted, turnout, registered, ballots: the headline row of a region.
export function summary(r: RegionTotals): HTMLElement {
  const done = `${fmtInt(r.tables_counted)} ${t('of')} ${fmtInt(r.tables_expected)}`;
  const p = pct(r.tables_counted, r.tables_expected);
  return h(
    'section',
    { class: 'summary', 'aria-label': t('progress') },
    h(
      'div',
      { class: 'stat wide' },
      h('div', { class: 'stat-label' }, t('tables_counted')),
      h('div', { class: 'stat-value', 'data-testid': 'tables-counted' }, fmtPct(p), h('span', { class: 'stat-of' }, done)),
      progressBar(r.tables_counted, r.tables_expected, t('tables_counted'), done),
    ),
    stat(t('turnout'), h('span', { 'data-testid': 'turnout' }, r.registered_counted > 0 ? fmtPct(Number(r.turnout)) : '—'), t('turnout_note')),
    stat(t('ballots_cast'), h('span', { 'data-testid': 'ballots-cast' }, fmtInt(r.ballots_cast))),
    stat(t('registered'), fmtInt(r.registered)),
    r.tables_conflicted > 0 ? stat(t('conflicted'), h('span', { class: 'warn-text' }, fmtInt(r.tables_conflicted))) : null,
  );
}

export function irreversibilityBadge(c: ContestTotals): HTMLElement {
  return c.irreversible
    ? h('span', { class: 'badge ok', 'data-testid': 'irreversible' }, '✔ ', t('irreversible'))
    : h('span', { class: 'badge pending', 'data-testid': 'irreversible' }, t('not_irreversible'));
}

// One contest: candidates by votes, blank and null, irreversibility.
export function contestCard(info: ContestInfo, c: ContestTotals): HTMLElement {
  const { valid, total } = contestTotals(c);
  const order = info.candidates.map((_, i) => i).sort((a, b) => c.votes[b] - c.votes[a] || a - b);
  const leader = info.candidates.find((x) => x.id === c.leader);
  const bars = order.map((i) => ({
    label: info.candidates[i].name,
    sub: info.candidates[i].party,
    value: fmtInt(c.votes[i]),
    pct: pct(c.votes[i], valid),
    pctText: fmtPct(pct(c.votes[i], valid)),
    color: PALETTE[i % PALETTE.length],
    strong: info.candidates[i].id === c.leader,
  }));
  return h(
    'section',
    { class: 'card contest', 'data-contest': info.id, 'aria-labelledby': `contest-${info.id}` },
    h('div', { class: 'card-head' }, h('h3', { id: `contest-${info.id}` }, info.name), irreversibilityBadge(c)),
    total === 0 ? h('p', { class: 'muted' }, t('no_votes')) : null,
    barList(bars, `${info.name}: ${t('pct_of_valid')}`),
    h(
      'dl',
      { class: 'contest-foot' },
      h('div', null, h('dt', null, t('valid')), h('dd', { 'data-testid': 'valid' }, fmtInt(valid))),
      h('div', null, h('dt', null, t('blank')), h('dd', { 'data-testid': 'blank' }, fmtInt(c.blank), h('span', { class: 'muted' }, ` (${fmtPct(pct(c.blank, total))})`))),
      h('div', null, h('dt', null, t('null')), h('dd', { 'data-testid': 'null' }, fmtInt(c.null), h('span', { class: 'muted' }, ` (${fmtPct(pct(c.null, total))})`))),
      leader ? h('div', null, h('dt', null, t('margin')), h('dd', { 'data-testid': 'margin' }, fmtInt(c.margin))) : null,
      h('div', null, h('dt', null, t('remaining')), h('dd', { 'data-testid': 'remaining' }, fmtInt(c.remaining))),
    ),
    h('p', { class: 'note' }, t('pct_of_valid')),
  );
}

export function contests(infos: ContestInfo[], totals: ContestTotals[]): HTMLElement {
  return h('div', { class: 'contests' }, infos.map((info, i) => (totals[i] ? contestCard(info, totals[i]) : null)));
}

// The witnesses of the bulletin's checkpoint by name, and whether they
// reach the manifest's quorum.
export function witnessCard(w: Witnesses): HTMLElement {
  const signed = new Set(w.cosigned_by);
  return h(
    'section',
    { class: 'card witnesses', 'aria-labelledby': 'wit-title', 'data-testid': 'witnesses' },
    h(
      'div',
      { class: 'card-head' },
      h('h3', { id: 'wit-title' }, t('witnesses')),
      w.quorum_met
        ? h('span', { class: 'badge ok', 'data-testid': 'witness-quorum' }, '✔ ', t('witness_quorum_met', { k: w.cosigned_by.length, q: w.quorum }))
        : h('span', { class: 'badge below-quorum', 'data-testid': 'witness-quorum' }, t('witness_below_quorum', { k: w.cosigned_by.length, q: w.quorum })),
    ),
    h(
      'ul',
      { class: 'witness-list' },
      w.witnesses.map((x) =>
        h(
          'li',
          { 'data-testid': 'witness', 'data-signed': signed.has(x.name) ? '1' : '0' },
          h('span', { class: signed.has(x.name) ? 'wit-yes' : 'wit-no' }, signed.has(x.name) ? '✔' : '—'),
          ' ',
          x.name,
        ),
      ),
    ),
    h('p', { class: 'note' }, t('witness_note', { n: fmtInt(w.size), q: w.quorum, m: w.witnesses.length })),
  );
}

export function checkpointCard(size: number, root: string, ms: number | null, belowQuorum = false): HTMLElement {
  return h(
    'section',
    { class: 'card checkpoint', 'aria-labelledby': 'cp-title' },
    h('h3', { id: 'cp-title' }, t('checkpoint')),
    h(
      'dl',
      { class: 'kv' },
      h('div', null, h('dt', null, t('tree_size')), h('dd', { 'data-testid': 'cp-size' }, fmtInt(size))),
      ms !== null ? h('div', null, h('dt', null, t('time')), h('dd', null, fmtDateTime(ms))) : null,
      h('div', null, h('dt', null, t('root')), h('dd', null, h('code', { class: 'hash', 'data-testid': 'cp-root' }, root))),
    ),
    belowQuorum ? h('p', { class: 'chip flag-below-quorum', 'data-testid': 'bulletin-below-quorum' }, t('bulletin_below_quorum')) : null,
    h('p', { class: 'note' }, t('checkpoint_note', { n: fmtInt(size) })),
  );
}

export function flagChips(flags: string[]): Child {
  if (flags.length === 0) return h('span', { class: 'muted' }, t('no_flags'));
  return flags.map((f) => h('span', { class: `chip flag-${f}` }, flagName(f)));
}

export function pager(page: number, pages: number, go: (p: number) => void, key: string): HTMLElement | null {
  if (pages <= 1) return null;
  return h(
    'nav',
    { class: 'pager', 'aria-label': t('page', { p: page + 1, n: pages }) },
    h('button', { type: 'button', disabled: page === 0, 'data-focus': `${key}-prev`, onclick: () => go(page - 1) }, '‹ ', t('prev')),
    h('span', null, t('page', { p: fmtInt(page + 1), n: fmtInt(pages) })),
    h('button', { type: 'button', disabled: page >= pages - 1, 'data-focus': `${key}-next`, onclick: () => go(page + 1) }, t('next'), ' ›'),
  );
}

export function tableSearch(): HTMLElement {
  const input = h('input', {
    type: 'text',
    inputmode: 'numeric',
    pattern: '[0-9]*',
    id: 'table-search',
    'data-focus': 'table-search',
    placeholder: t('goto_table_placeholder'),
    autocomplete: 'off',
  }) as HTMLInputElement;
  return h(
    'form',
    {
      class: 'search',
      role: 'search',
      onsubmit: (e: Event) => {
        e.preventDefault();
        const id = input.value.trim();
        if (/^\d+$/.test(id)) location.hash = tableHref(Number(id));
      },
    },
    h('label', { for: 'table-search' }, t('goto_table')),
    input,
    h('button', { type: 'submit' }, t('go')),
  );
}

export function copyBlock(text: string, testid: string): HTMLElement {
  const btn = h('button', { type: 'button', class: 'copy' }, t('copy'));
  btn.addEventListener('click', () => void copyText(text, btn, t('copied')));
  return h('div', { class: 'copyblock' }, h('pre', null, h('code', { 'data-testid': testid }, text)), btn);
}

export function levelLabel(level: string): string {
  return levelName(level);
}
