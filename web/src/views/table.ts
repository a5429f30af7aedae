// One table (#/table/ID): status, flags, every count of its acta (each
// acta side by side when the table is in conflict), the receipt time, the
// inclusion proof and the QR text.

import { decodeActa, type DecodedActa } from '../acta';
import { api, HttpError } from '../api';
import { copyBlock, crumbs, errorBox, flagChips, loading, notice, regionHref } from '../components';
import { h, type Child } from '../dom';
import { base64ToBytes } from '../format';
import { fmtDateTime, fmtInt, statusName, t } from '../i18n';
import { state } from '../state';
import type { ContestInfo, RegionDetail, StoredActa, TableDetail } from '../types';
import type { Redraw, View } from './view';

export class TableView implements View {
  private detail: TableDetail | null = null;
  private center: RegionDetail | null = null;
  private error: string | null = null;
  private notFound = false;
  private abort = new AbortController();

  constructor(
    private readonly id: number,
    private readonly redraw: Redraw,
  ) {}

  dispose(): void {
    this.abort.abort();
  }

  title(): string {
    return `${t('table')} ${this.id}`;
  }

  async refresh(): Promise<void> {
    if (this.id < 0 || this.id > 0xffffffff) {
      this.notFound = true;
      return;
    }
    try {
      this.detail = await api.table(this.id, this.abort.signal);
      this.error = null;
      if (!this.center || this.center.code !== this.detail.region) {
        this.center = await api.region(this.detail.region, this.abort.signal).catch(() => null);
      }
    } catch (e) {
      if (this.abort.signal.aborted) return;
      if (e instanceof HttpError && (e.status === 404 || e.status === 400)) this.notFound = true;
      else this.error = e instanceof Error ? e.message : String(e);
    }
  }

  render(): Child[] {
    if (this.notFound) return [h('h1', null, this.title()), notice(t('table_not_found', { id: this.id }))];
    if (!this.detail) return this.error ? [errorBox(this.error, () => void this.refresh().then(this.redraw))] : [loading()];
    const d = this.detail;
    const path: { code: string; name: string }[] = this.center?.path ?? (this.center?.parent ? state.pathTo(this.center.parent) : []);
    const trail = path.map((p, i) => ({ label: i === 0 ? t('national') : p.name, href: i === 0 ? '#/' : regionHref(p.code) }));
    trail.push({ label: this.center?.name ?? d.region, href: regionHref(d.region) });
    trail.push({ label: this.title(), href: '' });
    const contests = state.bulletin?.contests ?? [];
    const out: Child[] = [
      crumbs(trail),
      h('div', { class: 'page-head' },
        h('h1', null, this.title()),
        h('span', { class: `status status-${d.status}`, 'data-testid': 'table-status' }, statusName(d.status))),
      h('dl', { class: 'kv card' },
        h('div', null, h('dt', null, t('level_voting_center')), h('dd', null, this.center?.name ?? d.region, ' · ', d.region)),
        h('div', null, h('dt', null, t('registered')), h('dd', null, fmtInt(d.registered))),
        h('div', null, h('dt', null, t('flags')), h('dd', { 'data-testid': 'table-flags' }, flagChips(d.flags)))),
    ];
    if (d.actas.length === 0) {
      out.push(notice(t('table_missing')));
      return out;
    }
    if (d.actas.length > 1) out.push(h('h2', null, t('actas_conflict')));
    d.actas.forEach((a, i) => out.push(this.actaCard(a, i, d, contests)));
    return out;
  }

  private actaCard(a: StoredActa, i: number, d: TableDetail, contests: ContestInfo[]): HTMLElement {
    // The first acta's counts come from the tally; others are decoded here.
    const decoded: DecodedActa | null = decodeActa(base64ToBytes(a.acta));
    const counts = decoded ?? (i === 0 && d.acta ? d.acta : null);
    const title = d.actas.length > 1 ? `${t('acta')} ${i + 1}` : t('acta');
    return h('section', { class: `card acta${a.conflict ? ' conflict' : ''}`, 'data-testid': 'acta', 'aria-label': title },
      h('h2', null, title),
      counts
        ? h('dl', { class: 'kv' },
            h('div', null, h('dt', null, t('ballots_cast')), h('dd', { 'data-testid': 'acta-ballots' }, fmtInt(counts.ballots_cast))),
            h('div', null, h('dt', null, t('closing_time')), h('dd', null, fmtDateTime(counts.closing_time * 1000))),
            counts.correction > 0 ? h('div', null, h('dt', null, t('correction')), h('dd', null, fmtInt(counts.correction))) : null)
        : null,
      counts ? h('div', { class: 'acta-contests' }, counts.contests.map((c, ci) => {
        const info = contests[ci];
        return h('table', { class: 'data counts', 'data-contest': info?.id ?? String(ci) },
          h('caption', null, info?.name ?? `#${ci + 1}`),
          h('thead', null, h('tr', null, h('th', { scope: 'col' }, t('candidate')), h('th', { scope: 'col', class: 'num' }, t('votes')))),
          h('tbody', null,
            c.votes.map((v, k) => h('tr', null,
              h('th', { scope: 'row' }, info?.candidates[k]?.name ?? `#${k + 1}`, info?.candidates[k]?.party ? h('span', { class: 'bar-sub' }, info.candidates[k].party) : null),
              h('td', { class: 'num', 'data-testid': 'count' }, fmtInt(v)))),
            h('tr', { class: 'sub' }, h('th', { scope: 'row' }, t('blank')), h('td', { class: 'num', 'data-testid': 'count-blank' }, fmtInt(c.blank))),
            h('tr', { class: 'sub' }, h('th', { scope: 'row' }, t('null')), h('td', { class: 'num', 'data-testid': 'count-null' }, fmtInt(c.null)))));
      })) : null,
      h('dl', { class: 'kv' },
        h('div', null, h('dt', null, t('received_at')), h('dd', { 'data-testid': 'received-at' }, fmtDateTime(a.received_at_ms))),
        h('div', null, h('dt', null, t('lane')), h('dd', null, a.lane === 'terminal' ? t('lane_terminal') : t('lane_public'))),
        a.seq !== undefined ? h('div', null, h('dt', null, t('seq')), h('dd', null, fmtInt(a.seq))) : null,
        h('div', null, h('dt', null, t('leaf_hash')), h('dd', null, h('code', { class: 'hash' }, a.leaf_hash)))),
      h('h3', null, t('inclusion_proof')),
      a.inclusion_proof
        ? h('div', null,
            h('p', { class: 'note' }, t('inclusion_note', { n: fmtInt(a.inclusion_proof.size) })),
            h('ol', { class: 'proof', start: 0 }, a.inclusion_proof.hashes.map((x) => h('li', null, h('code', { class: 'hash' }, x)))))
        : h('p', { class: 'muted' }, t('not_yet_logged')),
      h('h3', null, t('qr_text')),
      copyBlock(a.text, 'qr-text'),
      h('p', { class: 'note' }, t('qr_note')),
      h('details', null, h('summary', null, t('receipt')), h('pre', null, h('code', { class: 'hash' }, a.receipt))),
    );
  }
}
