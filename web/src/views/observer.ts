// The observers' page (#/observer): take or choose photos of printed actas
// (or paste the QR text); for each acta found, in the browser: decode the
// QR code (zxing-wasm), decode the acta strictly, check its machine
// signature against the manifest the page checked itself, show the sheet,
// then compare with the log (signed checkpoint, inclusion proofs) and, when
// the log lacks it, submit it on the public lane and check the receipt.
// Many photos at once give a summary (parallel tabulation): verdict
// counts, the observer's totals beside the log's for the same tables, and
// the rows as CSV and JSON (observer/tabulate.ts).

import { errorBox, loading } from '../components';
import { h, type Child } from '../dom';
import { fmtDateTime, fmtInt } from '../i18n';
import { ot, type ObserverKey } from '../observer_strings';
import { decodeActaText } from '../observer/acta_codec';
import { hex } from '../observer/bytes';
import { checkActa, compareWithLog, differences, LogCheckError, type LogVerdict, type ValidActa } from '../observer/check';
import { loadManifest, originSource, receiptKeyCertificates, submitActa } from '../observer/http';
import type { CheckedManifest } from '../observer/manifest';
import { checkReceipt } from '../observer/receipt';
import { prepareQr, scanPhoto } from '../observer/qr';
import type { Acta } from '../observer/acta_codec';
import { notHeld } from '../observer/tabulate';
import { type NotHeldState, observerSummary } from './observer_summary';
import type { Redraw, View } from './view';

export type LogState = { kind: 'checking' } | { kind: 'error'; message: string; lie: boolean } | LogVerdict;
type SubmitState =
  | { kind: 'sending' }
  | { kind: 'receipt'; center: string; at: number; status: string }
  | { kind: 'failed'; message: string; refused: boolean };

export interface ActaItem {
  text: string;
  valid?: ValidActa;
  invalid?: string;
  log?: LogState;
  submit?: SubmitState;
}

interface Item {
  source: string;
  photo?: string; // object URL of the photo
  reading: boolean;
  error?: string;
  actas: ActaItem[];
}

// The plain-words reason for a refused acta, from the code checkActa puts
// first (the same codes as the C++ side); decoding errors have none.
function invalidWhy(reason: string): ObserverKey {
  const code = /^(bad_signature|wrong_election|unknown_table|malformed):/.exec(reason)?.[1];
  return code ? (`why_${code}` as ObserverKey) : 'why_unreadable';
}

// Bounded wait for a submitted acta to enter a signed checkpoint.
const kLogPolls = 30;
const kLogPollMs = 1000;

export class ObserverView implements View {
  private manifest: CheckedManifest | null = null;
  private manifestError: string | null = null;
  private qrReady = false;
  private items: Item[] = [];
  private pasted = '';
  private disposed = false;
  private readonly notHeld: NotHeldState = {
    tables: null,
    loading: false,
    error: null,
    lookUp: (held) => void this.lookUpNotHeld(held),
  };

  constructor(private readonly redraw: Redraw) {}

  dispose(): void {
    this.disposed = true;
    for (const it of this.items) if (it.photo) URL.revokeObjectURL(it.photo);
  }

  title(): string {
    return ot('title');
  }

  async refresh(): Promise<void> {
    // Loaded once: the check works offline afterwards.
    if (!this.qrReady) {
      void prepareQr().then(
        () => {
          this.qrReady = true;
          this.redraw();
        },
        () => undefined,
      );
    }
    if (this.manifest) return;
    try {
      this.manifest = await loadManifest();
      this.manifestError = null;
    } catch (e) {
      this.manifestError = e instanceof Error ? e.message : String(e);
    }
  }

  private update(): void {
    if (!this.disposed) this.redraw();
  }

  private async addPhotos(files: FileList | null): Promise<void> {
    if (!files) return;
    const items: (Item & { file: File })[] = [...files].map((f) => ({ source: f.name, photo: URL.createObjectURL(f), reading: true, actas: [], file: f }));
    this.items.unshift(...items);
    this.update();
    // One photo at a time: decoding a 12 MP photo uses a few hundred MB.
    for (const it of items) {
      try {
        const texts = await scanPhoto(it.file);
        if (texts.length === 0) it.error = ot('no_qr');
        it.actas = texts.map((text) => ({ text }));
      } catch (e) {
        it.error = e instanceof Error ? e.message : String(e);
      }
      it.reading = false;
      this.update();
      await Promise.all(it.actas.map((a) => this.checkOne(a)));
    }
  }

  private async addText(): Promise<void> {
    const text = this.pasted.trim();
    if (!text) return;
    const item: Item = { source: ot('from_text'), reading: false, actas: [{ text }] };
    this.items.unshift(item);
    this.update();
    await this.checkOne(item.actas[0]);
  }

  private async checkOne(a: ActaItem): Promise<void> {
    if (!this.manifest) {
      a.invalid = this.manifestError ?? ot('manifest_loading');
      this.update();
      return;
    }
    try {
      a.valid = await checkActa(decodeActaText(a.text), this.manifest);
    } catch (e) {
      a.invalid = e instanceof Error ? e.message : String(e);
      this.update();
      return;
    }
    this.update();
    await this.compare(a);
  }

  private async compare(a: ActaItem): Promise<void> {
    if (!a.valid || !this.manifest) return;
    a.log = { kind: 'checking' };
    this.update();
    try {
      a.log = await compareWithLog(originSource, this.manifest, a.valid);
    } catch (e) {
      a.log = { kind: 'error', message: e instanceof Error ? e.message : String(e), lie: e instanceof LogCheckError };
    }
    this.update();
  }

  private async submit(a: ActaItem): Promise<void> {
    if (!a.valid || !this.manifest) return;
    a.submit = { kind: 'sending' };
    this.update();
    try {
      const answer = await submitActa(a.valid.acta.bytes);
      if (!answer.receipt) {
        a.submit = { kind: 'failed', message: `${answer.status}: ${answer.message}`, refused: true };
      } else {
        try {
          const certificates = async (): Promise<string[]> => [
            ...(answer.receiptKey ? [answer.receiptKey] : []),
            ...(await receiptKeyCertificates()),
          ];
          const r = await checkReceipt(answer.receipt, this.manifest, a.valid.leaf, certificates);
          a.submit = { kind: 'receipt', center: r.center, at: r.receivedAtMs, status: answer.status };
        } catch (e) {
          a.submit = { kind: 'failed', message: e instanceof Error ? e.message : String(e), refused: false };
        }
      }
    } catch (e) {
      a.submit = { kind: 'failed', message: e instanceof Error ? e.message : String(e), refused: true };
    }
    this.update();
    if (a.submit.kind !== 'receipt') return;
    for (let i = 0; i < kLogPolls && !this.disposed; i++) {
      await this.compare(a);
      if (a.log?.kind === 'same') return;
      await new Promise((res) => setTimeout(res, kLogPollMs));
    }
  }

  // The center's table CSV (the open data; the center's word, as for
  // `acta compare`): logged tables this observer holds no acta for.
  private async lookUpNotHeld(held: Set<number>): Promise<void> {
    this.notHeld.loading = true;
    this.notHeld.error = null;
    this.update();
    try {
      const csv = await originSource.text('/v1/export/tables.csv');
      if (csv === null) throw new Error('/v1/export/tables.csv: not found');
      this.notHeld.tables = notHeld(csv, held);
    } catch (e) {
      this.notHeld.error = e instanceof Error ? e.message : String(e);
    }
    this.notHeld.loading = false;
    this.update();
  }

  render(): Child[] {
    return [
      h('h1', null, ot('title')),
      h('p', null, ot('intro')),
      this.manifestCard(),
      this.inputs(),
      this.summary(),
      h('div', { 'data-testid': 'observer-results' }, this.items.map((it) => this.itemCard(it))),
    ];
  }

  private manifestCard(): HTMLElement {
    if (this.manifestError) return h('div', { 'data-testid': 'observer-manifest' }, errorBox(`${ot('manifest_bad')}: ${this.manifestError}`, () => void this.refresh().then(this.redraw)));
    const m = this.manifest;
    if (!m) return h('div', { 'data-testid': 'observer-manifest' }, h('p', { class: 'muted', role: 'status' }, ot('manifest_loading')));
    return h('section', { class: 'card', 'data-testid': 'observer-manifest' },
      h('p', { class: 'ok-text' }, '✓ ', ot('manifest_ok')),
      h('dl', { class: 'kv' },
        h('div', null, h('dt', null, ot('election_id')), h('dd', null, h('code', { class: 'hash', 'data-testid': 'observer-election-id' }, hex(m.electionId)))),
        h('div', null, h('dt', null, ot('authority')), h('dd', null, h('code', { class: 'hash' }, m.authority.text)))),
      h('p', { class: 'note' }, ot('compare_keys')),
      this.qrReady ? h('p', { class: 'note', 'data-testid': 'observer-offline-ready' }, ot('offline_ready')) : null);
  }

  private inputs(): HTMLElement {
    const disabled = !this.manifest;
    const fileInput = (label: string, testid: string, extra: Record<string, string | boolean>) =>
      h('label', { class: 'file-button' },
        h('input', { type: 'file', accept: 'image/*', class: 'sr-only', 'data-testid': testid, disabled, ...extra,
          onchange: (e: Event) => void this.addPhotos((e.target as HTMLInputElement).files) }),
        h('span', null, label));
    const area = h('textarea', { rows: 3, 'data-testid': 'observer-text', 'data-focus': 'observer-text', spellcheck: 'false', placeholder: 'ACTA1:…',
      oninput: (e: Event) => (this.pasted = (e.target as HTMLTextAreaElement).value) }) as HTMLTextAreaElement;
    area.value = this.pasted;
    return h('section', { class: 'card observer-inputs' },
      h('div', { class: 'file-buttons' },
        fileInput(ot('take_photo'), 'observer-camera', { capture: 'environment' }),
        fileInput(ot('choose_photos'), 'observer-files', { multiple: true })),
      h('label', { class: 'paste' }, h('span', null, ot('paste')), area),
      h('button', { type: 'button', disabled, 'data-testid': 'observer-check', onclick: () => void this.addText() }, ot('check')));
  }

  private summary(): HTMLElement | null {
    const all = this.items.flatMap((it) => it.actas.map((a) => ({ a, source: it.source })));
    return this.manifest ? observerSummary(all, this.manifest, this.notHeld) : null;
  }

  private itemCard(it: Item): HTMLElement {
    return h('section', { class: 'card observer-item', 'data-testid': 'observer-item' },
      h('div', { class: 'observer-source' },
        it.photo ? h('img', { src: it.photo, alt: it.source, class: 'observer-thumb' }) : null,
        h('div', null, h('strong', null, it.source),
          it.reading ? h('p', { class: 'muted', role: 'status' }, ot('reading')) : null,
          it.error ? h('p', { class: 'bad-text', 'data-testid': 'observer-error' }, it.error) : null,
          !it.reading && it.actas.length > 1 ? h('p', { class: 'muted' }, ot('qr_found', { n: it.actas.length })) : null)),
      it.actas.map((a) => this.actaBlock(a)));
  }

  private actaBlock(a: ActaItem): HTMLElement {
    if (a.invalid !== undefined) {
      return h('div', { class: 'verdict verdict-bad', 'data-testid': 'observer-verdict', 'data-verdict': 'invalid' },
        h('h2', null, '✗ ', ot('invalid')),
        h('p', null, ot(invalidWhy(a.invalid))),
        h('p', { class: 'note' }, `${ot('detail')}: `, h('span', { 'data-testid': 'observer-reason' }, a.invalid)));
    }
    if (!a.valid) return loading();
    const v = a.valid;
    return h('div', { class: 'observer-acta', 'data-testid': 'observer-acta', 'data-table': v.acta.table_id },
      this.verdict(a),
      h('p', { class: 'ok-text', 'data-testid': 'observer-signature' }, '✓ ', ot('signature_ok', { table: v.acta.table_id })),
      h('h3', null, ot('sheet')),
      this.sheet(v),
      this.submitBlock(a));
  }

  private verdict(a: ActaItem): HTMLElement {
    const log = a.log;
    if (!log || log.kind === 'checking') return h('p', { class: 'muted', role: 'status' }, ot('log_checking'));
    if (log.kind === 'error') {
      return h('div', { class: 'verdict verdict-warn', 'data-testid': 'observer-verdict', 'data-verdict': 'error' },
        h('h2', null, ot('log_error')),
        h('p', null, log.message),
        log.lie ? h('p', { class: 'bad-text' }, ot('log_lie')) : null,
        h('button', { type: 'button', onclick: () => void this.compare(a) }, ot('retry')));
    }
    const cp = h('p', { class: 'note' }, `${ot('checkpoint')}: ${fmtInt(log.checkpoint.size)} · `, h('code', { class: 'hash' }, hex(log.checkpoint.root)));
    if (log.kind === 'same') {
      return h('div', { class: `verdict ${log.others.length ? 'verdict-warn' : 'verdict-ok'}`, 'data-testid': 'observer-verdict', 'data-verdict': 'same' },
        h('h2', null, '✓ ', ot('same')),
        h('p', null, ot('same_note', { index: fmtInt(log.proof.index), size: fmtInt(log.proof.checkpointSize) })),
        log.others.length ? h('p', { class: 'bad-text', 'data-testid': 'observer-conflict' }, ot('conflict_too')) : null,
        log.others.map((o) => this.diffTable(a.valid!.acta, o.acta)),
        h('details', null, h('summary', null, ot('proof')),
          h('ol', { class: 'proof', start: 0 }, log.proofHashes.map((x) => h('li', null, h('code', { class: 'hash' }, x))))),
        cp);
    }
    if (log.kind === 'different') {
      return h('div', { class: 'verdict verdict-bad', 'data-testid': 'observer-verdict', 'data-verdict': 'different' },
        h('h2', null, '≠ ', ot('different')),
        h('p', null, ot('different_note')),
        log.logged.map((o) => this.diffTable(a.valid!.acta, o.acta)),
        cp);
    }
    return h('div', { class: 'verdict verdict-warn', 'data-testid': 'observer-verdict', 'data-verdict': 'missing' },
      h('h2', null, '∅ ', ot('missing')),
      h('p', null, log.pending ? ot('pending') : ot('missing_note')),
      log.warnings.length ? h('ul', null, log.warnings.map((w) => h('li', null, w))) : null,
      cp);
  }

  private fieldName(d: ReturnType<typeof differences>[number]): string {
    if (d.field !== 'contest') return ot(d.field);
    const c = this.manifest!.json.contests[d.contest!];
    const who = d.candidate === 'blank' ? ot('blank') : d.candidate === 'null' ? ot('null') : c.candidates[d.candidate as number].name;
    return `${c.name}: ${who}`;
  }

  private diffTable(held: Acta, logged: Acta): HTMLElement {
    const fmt = (field: string, n: number) => (field === 'closing_time' ? fmtDateTime(n * 1000) : fmtInt(n));
    return h('table', { class: 'data observer-diff', 'data-testid': 'observer-diff' },
      h('caption', null, ot('differences')),
      h('thead', null, h('tr', null, h('th', { scope: 'col' }, ot('field')), h('th', { scope: 'col', class: 'num' }, ot('this_photo')), h('th', { scope: 'col', class: 'num' }, ot('in_log')))),
      h('tbody', null, differences(held, logged).map((d) =>
        h('tr', null, h('th', { scope: 'row' }, this.fieldName(d)),
          h('td', { class: 'num', 'data-testid': 'diff-held' }, fmt(d.field, d.held)),
          h('td', { class: 'num', 'data-testid': 'diff-logged' }, fmt(d.field, d.logged))))));
  }

  private sheet(v: ValidActa): HTMLElement {
    const m = this.manifest!;
    const region = m.json.regions[v.table.region];
    const a = v.acta;
    return h('div', { class: 'observer-sheet' },
      h('dl', { class: 'kv' },
        h('div', null, h('dt', null, ot('table')), h('dd', { 'data-testid': 'sheet-table' }, String(a.table_id))),
        h('div', null, h('dt', null, ot('voting_center')), h('dd', null, region ? `${region.name} · ${region.code}` : '—')),
        h('div', null, h('dt', null, ot('registered')), h('dd', null, fmtInt(v.table.registered))),
        h('div', null, h('dt', null, ot('ballots_cast')), h('dd', { 'data-testid': 'sheet-ballots' }, fmtInt(a.ballots_cast))),
        h('div', null, h('dt', null, ot('closing_time')), h('dd', null, fmtDateTime(a.closing_time * 1000))),
        a.correction > 0 ? h('div', null, h('dt', null, ot('correction')), h('dd', null, fmtInt(a.correction))) : null,
        h('div', null, h('dt', null, ot('fingerprint')), h('dd', null, h('code', { class: 'hash', 'data-testid': 'sheet-leaf' }, hex(v.leaf))))),
      h('div', { class: 'acta-contests' }, a.contests.map((c, ci) => {
        const info = m.json.contests[ci];
        return h('table', { class: 'data counts' },
          h('caption', null, info.name),
          h('thead', null, h('tr', null, h('th', { scope: 'col' }, ot('candidate')), h('th', { scope: 'col', class: 'num' }, ot('votes')))),
          h('tbody', null,
            c.votes.map((n, k) => h('tr', null,
              h('th', { scope: 'row' }, info.candidates[k].name, info.candidates[k].party ? h('span', { class: 'bar-sub' }, info.candidates[k].party) : null),
              h('td', { class: 'num' }, fmtInt(n)))),
            h('tr', { class: 'sub' }, h('th', { scope: 'row' }, ot('blank')), h('td', { class: 'num' }, fmtInt(c.blank))),
            h('tr', { class: 'sub' }, h('th', { scope: 'row' }, ot('null')), h('td', { class: 'num' }, fmtInt(c.null)))));
      })));
  }

  private submitBlock(a: ActaItem): HTMLElement | null {
    const log = a.log;
    const s = a.submit;
    if (s?.kind === 'sending') return h('p', { class: 'muted', role: 'status' }, ot('submitting'));
    if (s?.kind === 'receipt') {
      return h('div', null,
        h('p', { class: 'ok-text', 'data-testid': 'observer-receipt' }, '✓ ', ot('receipt_ok', { center: s.center, time: fmtDateTime(s.at), status: s.status })),
        log?.kind === 'same' ? null : h('p', { class: 'muted', role: 'status' }, ot('waiting_log')));
    }
    const offer = log?.kind === 'missing' || log?.kind === 'different';
    return h('div', null,
      s?.kind === 'failed'
        ? h('p', { class: 'bad-text', 'data-testid': 'observer-submit-error' }, `${s.refused ? ot('submit_refused') : ot('receipt_bad')}: ${s.message}`)
        : null,
      offer && !(log.kind === 'missing' && log.pending)
        ? h('button', { type: 'button', 'data-testid': 'observer-submit', onclick: () => void this.submit(a) },
            log.kind === 'different' ? ot('submit_evidence') : ot('submit'))
        : null);
  }
}
