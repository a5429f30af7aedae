// Risk-limiting audits (#/audit): every audit the center publishes under
// /v1/audits/ (docs/API.md, "Audits"): its parameters, the pinned
// checkpoint, and per round the sampled tables with the acta beside the
// hand count, the discrepancies, and the risk after the round. Refetched
// when the view opens and after every new bulletin (rounds are recorded
// while the center runs).

import { at, type AuditKey } from '../audit_strings';
import type { Audit, AuditIndex, AuditRound } from '../audit_types';
import { getJson } from '../api';
import { copyBlock, errorBox, loading, stat, tableHref } from '../components';
import { h, type Child } from '../dom';
import { shortHash } from '../format';
import { fmtInt } from '../i18n';
import type { Redraw, View } from './view';

const fileUrl = (name: string, file: string) => `/v1/audits/${encodeURIComponent(name)}/${file}`;

function fmtRisk(p: number | null): string {
  if (p === null) return '—';
  return p >= 0.001 ? p.toFixed(4) : p.toExponential(2);
}

export class AuditView implements View {
  private audits: { name: string; audit: Audit }[] = [];
  private error: string | null = null;
  private loaded = false;
  private abort = new AbortController();

  constructor(private readonly redraw: Redraw) {}

  dispose(): void {
    this.abort.abort();
  }

  title(): string {
    return at('title');
  }

  async refresh(): Promise<void> {
    try {
      const index = await getJson<AuditIndex>('/v1/audits/index.json', this.abort.signal);
      const audits = await Promise.all(
        index.audits.map(async (name) => ({ name, audit: await getJson<Audit>(fileUrl(name, 'audit.json'), this.abort.signal) })),
      );
      this.audits = audits;
      this.error = null;
    } catch (e) {
      if (this.abort.signal.aborted) return;
      this.error = e instanceof Error ? e.message : String(e);
    }
    this.loaded = true;
  }

  render(): Child[] {
    const out: Child[] = [h('h1', null, at('title')), h('p', null, at('intro'))];
    if (!this.loaded) return [...out, loading()];
    if (this.error) return [...out, errorBox(this.error, () => void this.refresh().then(this.redraw))];
    if (this.audits.length === 0) {
      return [...out, h('div', { class: 'notice', 'data-testid': 'audit-none' }, h('p', null, at('none')))];
    }
    for (const { name, audit } of this.audits) out.push(this.auditCard(name, audit));
    return out;
  }

  private auditCard(name: string, a: Audit): HTMLElement {
    const badge = a.status === 'risk_limit_met' ? 'ok' : 'pending';
    const margins = Object.entries(a.reported.margins).map(([l, v]) => `${a.reported.winner ?? '—'} − ${l}: ${fmtInt(v)}`);
    return h('section', { class: 'card', 'data-testid': `audit-${name}` },
      h('div', { class: 'card-head' },
        h('h2', null, `${at('contest')} ${a.contest}`),
        h('span', { class: `badge ${badge}`, 'data-testid': 'audit-status' }, at(a.status as AuditKey))),
      a.reason ? h('p', { class: 'muted' }, a.reason) : null,
      h('div', { class: 'summary' },
        stat(at('risk_limit'), a.risk_limit),
        stat(at('checkpoint'), fmtInt(a.checkpoint.size), h('code', { title: a.checkpoint.root }, shortHash(a.checkpoint.root))),
        stat(at('winner'), a.reported.winner ?? '—'),
        a.error_bounds.tables > 0 ? stat(at('bound'), a.error_bounds.U.toFixed(3), `${fmtInt(a.error_bounds.tables)} ${at('table').toLowerCase()}s`) : null),
      h('p', null, `${at('seed')}: `, h('code', { 'data-testid': 'audit-seed' }, a.seed)),
      h('p', null, `${at('margins')}: ${margins.join(' · ') || '—'}. ${at('unreported')}: ${fmtInt(a.reported.unreported_registered)}.`),
      a.rounds.length > 0 ? this.roundsTable(a) : null,
      a.rounds.map((r) => this.roundDetail(name, a, r)),
      h('p', null, `${at('files')}: `,
        ['audit.json', 'reported.csv', 'checkpoint'].map((f) => [h('a', { href: fileUrl(name, f) }, f), ' ']),
        a.rounds.map((r) => ['sample.csv', 'teams.txt', ...(r.recorded ? ['hand_counts.csv'] : [])].map((f) =>
          [h('a', { href: fileUrl(name, `round-${r.round}/${f}`) }, `round-${r.round}/${f}`), ' ']))),
      h('p', null, at('verify')),
      copyBlock(`acta audit verify ${name} --published --center ${location.origin}`, `audit-verify-${name}`));
  }

  private roundsTable(a: Audit): HTMLElement {
    const decision = (r: AuditRound) => at(r.decision === 'full_count' ? 'full_count_d' : r.decision);
    return h('div', { class: 'table-scroll' },
      h('table', { class: 'data', 'data-testid': 'audit-rounds' },
        h('thead', null, h('tr', null,
          [at('round'), at('draws'), at('to_count'), at('risk'), at('decision')].map((c, i) =>
            h('th', { scope: 'col', class: i > 0 && i < 4 ? 'num' : null }, c)))),
        h('tbody', null, a.rounds.map((r) => h('tr', null,
          h('th', { scope: 'row' }, String(r.round)),
          h('td', { class: 'num' }, `${fmtInt(r.draws)} (${fmtInt(r.first_draw)}–${fmtInt(r.first_draw + r.draws - 1)})`),
          h('td', { class: 'num' }, fmtInt(r.tables.length)),
          h('td', { class: 'num', 'data-testid': `audit-risk-${r.round}` }, fmtRisk(r.risk)),
          h('td', null, decision(r)))))));
  }

  private roundDetail(name: string, a: Audit, r: AuditRound): HTMLElement | null {
    if (!r.recorded || r.results.length === 0) return null;
    const votes = (v: number[]) => v.map((x, i) => `${a.candidates[i]} ${fmtInt(x)}`).join(' · ');
    return h('details', { 'data-testid': `audit-${name}-round-${r.round}` },
      h('summary', null, `${at('round')} ${r.round}: ${fmtInt(r.results.length)} ${at('table').toLowerCase()}s`),
      h('div', { class: 'table-scroll' },
        h('table', { class: 'data' },
          h('thead', null, h('tr', null,
            [at('table'), at('region'), at('drawn'), at('reported'), at('hand'), at('overstatement'), at('taint')].map((c) =>
              h('th', { scope: 'col' }, c)))),
          h('tbody', null, r.results.map((t) => h('tr', { 'data-overstated': t.discrepancy > 0 },
            h('th', { scope: 'row' }, h('a', { href: tableHref(t.table) }, String(t.table))),
            h('td', null, t.region),
            h('td', { class: 'num' }, fmtInt(t.drawn)),
            h('td', null, votes(t.reported)),
            h('td', null, votes(t.hand)),
            h('td', { class: 'num' }, fmtInt(t.overstatement)),
            h('td', { class: 'num' }, t.taint.toFixed(4))))))));
  }
}
