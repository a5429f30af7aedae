// The page's shared state: the latest bulletin (the country and its
// states, with an index of them), the checkpoints seen, and the live
// connection. One EventSource; each "checkpoint" event schedules at most one
// bulletin fetch per second (more apart when fetching takes long), and
// events arriving meanwhile coalesce into the next fetch. Views refetch
// their own small resources (/v1/regions, /v1/arrivals) after each bulletin.

import { api, HttpError, kCheckpointsShown, onMirror, setCountryCode } from './api';
import type { Bulletin, CheckpointInfo, RegionTotals, Witnesses } from './types';

export type LiveState = 'connecting' | 'on' | 'off';

// How often a page on a static mirror looks for a new checkpoint.
const kMirrorPollMs = 5000;

export interface Observation {
  ms: number; // when the page saw it
  counted: number; // national tables counted
  size: number; // log size
}

class State {
  bulletin: Bulletin | null = null;
  bulletinError: string | null = null;
  noCheckpointYet = false;
  byCode = new Map<string, RegionTotals>();
  childrenOf = new Map<string, RegionTotals[]>();
  flagsByTable = new Map<number, string[]>();
  observed: Observation[] = [];
  checkpoints: CheckpointInfo[] | null = null; // from /v1/checkpoints, extended by events
  latest: { size: number; root: string; created_at_ms: number } | null = null;
  // Witnesses of the bulletin's checkpoint; null for a manifest without
  // witnesses (or a center too old to say).
  witnesses: Witnesses | null = null;
  live: LiveState = 'connecting';

  private listeners = new Set<() => void>();
  private liveListeners = new Set<() => void>();
  private inflight = false;
  private pending = false;
  private timer: number | null = null;
  private lastStart = 0;
  private minInterval = 1000;
  private es: EventSource | null = null;
  private staleWhileHidden = false;
  private witnessTimer: number | null = null;
  fetches = 0; // bulletin fetches made (read by the browser test)

  onBulletin(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  onLive(fn: () => void): void {
    this.liveListeners.add(fn);
  }

  national(): RegionTotals | null {
    return this.bulletin?.regions[0] ?? null;
  }

  start(): void {
    document.addEventListener('visibilitychange', () => {
      if (!document.hidden && this.staleWhileHidden) {
        this.staleWhileHidden = false;
        this.requestBulletin();
      }
    });
    this.requestBulletin();
    this.connect();
  }

  private connect(): void {
    if (onMirror) {
      this.pollMirror();
      return;
    }
    if (typeof EventSource === 'undefined') return;
    this.es = new EventSource('/v1/events');
    this.es.addEventListener('open', () => this.setLive('on'));
    this.es.addEventListener('error', () => {
      // EventSource reconnects by itself (the server's retry or ~3 s).
      this.setLive(this.es?.readyState === EventSource.CLOSED ? 'off' : 'connecting');
      if (this.es?.readyState === EventSource.CLOSED) setTimeout(() => this.connect(), 5000);
    });
    this.es.addEventListener('checkpoint', (ev) => {
      this.setLive('on');
      try {
        const cp = JSON.parse((ev as MessageEvent).data as string) as CheckpointInfo;
        this.onCheckpoint(cp);
      } catch {
        // A malformed event is ignored; the next one will do.
      }
    });
  }

  // A static mirror has no event stream: its checkpoint file (cached a few
  // seconds at most) is polled instead, every kMirrorPollMs while visible.
  private async pollMirror(): Promise<void> {
    if (!document.hidden) {
      try {
        const cp = await api.checkpoint();
        this.setLive('on');
        if (this.bulletin && cp.size > this.bulletin.checkpoint.size) {
          this.checkpoints = null; // refetched (with times) by the view that shows them
          this.requestBulletin();
        }
      } catch {
        this.setLive('connecting');
      }
    }
    window.setTimeout(() => void this.pollMirror(), kMirrorPollMs);
  }

  private setLive(s: LiveState): void {
    if (this.live === s) return;
    this.live = s;
    this.liveListeners.forEach((fn) => fn());
  }

  private onCheckpoint(cp: CheckpointInfo): void {
    if (this.latest && cp.size < this.latest.size) return;
    this.latest = { size: cp.size, root: cp.root, created_at_ms: cp.created_at_ms };
    if (this.checkpoints) {
      const last = this.checkpoints[this.checkpoints.length - 1];
      if (!last || cp.size > last.size) this.checkpoints.push(cp);
      // Bounded over a long night: past twice the loaded number, drop every
      // second point of the older part (the chart down-samples anyway).
      if (this.checkpoints.length > 2 * kCheckpointsShown) {
        const keep = this.checkpoints.length - 100;
        this.checkpoints = [...this.checkpoints.slice(0, keep).filter((_, i) => i % 2 === 0), ...this.checkpoints.slice(keep)];
      }
    }
    if (!this.bulletin || this.bulletin.checkpoint.size !== cp.size) this.requestBulletin();
  }

  // Schedules a bulletin fetch, at most one per minInterval.
  requestBulletin(): void {
    // A hidden tab fetches nothing; it catches up once when shown again.
    if (document.hidden && this.bulletin) {
      this.staleWhileHidden = true;
      return;
    }
    if (this.inflight) {
      this.pending = true;
      return;
    }
    if (this.timer !== null) return;
    const wait = this.lastStart + this.minInterval - Date.now();
    if (wait > 0) {
      this.timer = window.setTimeout(() => {
        this.timer = null;
        this.requestBulletin();
      }, wait);
      return;
    }
    void this.fetchBulletin();
  }

  private async fetchBulletin(): Promise<void> {
    this.inflight = true;
    this.pending = false;
    this.lastStart = Date.now();
    this.fetches++;
    try {
      const b = await api.bulletin();
      this.minInterval = Math.max(1000, Math.min(10_000, 3 * (Date.now() - this.lastStart)));
      if (!this.bulletin || b.checkpoint.size >= this.bulletin.checkpoint.size) {
        this.setBulletin(b);
        void this.fetchWitnesses(b.checkpoint.size, 0);
      }
      this.bulletinError = null;
      this.noCheckpointYet = false;
    } catch (e) {
      if (e instanceof HttpError && e.status === 503) this.noCheckpointYet = true;
      else this.bulletinError = e instanceof Error ? e.message : String(e);
      this.listeners.forEach((fn) => fn());
      // Without live events, retry slowly so a page opened before the first
      // checkpoint still fills in.
      if (this.live !== 'on') window.setTimeout(() => this.requestBulletin(), 5000);
    } finally {
      this.inflight = false;
      if (this.pending) this.requestBulletin();
    }
  }

  private setBulletin(b: Bulletin): void {
    this.bulletin = b;
    if (b.regions[0]) setCountryCode(b.regions[0].code);
    this.byCode = new Map();
    this.childrenOf = new Map();
    for (const r of b.regions) {
      this.byCode.set(r.code, r);
      if (r.parent !== null) {
        let list = this.childrenOf.get(r.parent);
        if (!list) this.childrenOf.set(r.parent, (list = []));
        list.push(r);
      }
    }
    this.flagsByTable = new Map(b.flags.map((f) => [f.table, f.flags]));
    const nat = b.regions[0];
    const last = this.observed[this.observed.length - 1];
    if (nat && (!last || last.size !== b.checkpoint.size)) {
      this.observed.push({ ms: Date.now(), counted: nat.tables_counted, size: b.checkpoint.size });
    }
    if (!this.latest || this.latest.size < b.checkpoint.size) {
      this.latest = { size: b.checkpoint.size, root: b.checkpoint.root, created_at_ms: b.generated_at * 1000 };
    }
    this.listeners.forEach((fn) => fn());
  }

  // Cosignatures arrive a moment after a checkpoint is signed: while the
  // bulletin's checkpoint is below quorum, look again every 2 s, 15 times
  // at most (a new bulletin starts over).
  private async fetchWitnesses(size: number, attempt: number): Promise<void> {
    if (this.witnessTimer !== null) {
      window.clearTimeout(this.witnessTimer);
      this.witnessTimer = null;
    }
    let w: Witnesses;
    try {
      w = await api.witnesses(size);
    } catch {
      return; // no witness endpoint (an older center): nothing shown
    }
    if (this.bulletin?.checkpoint.size !== size) return;
    // A mirror's /checkpoint may be another size than its bulletin for a
    // moment: look again rather than show another checkpoint's witnesses.
    const sameSize = w.size === size;
    if (sameSize) {
      this.witnesses = w.witnesses.length > 0 ? w : null;
      this.listeners.forEach((fn) => fn());
    }
    if (w.witnesses.length > 0 && (!sameSize || !w.quorum_met) && attempt < 15) {
      this.witnessTimer = window.setTimeout(() => void this.fetchWitnesses(size, attempt + 1), 2000);
    }
  }

  async loadCheckpoints(): Promise<void> {
    if (this.checkpoints) return;
    const list = await api.checkpoints();
    list.sort((a, b) => a.size - b.size);
    this.checkpoints = list;
  }

  // Path from the country down to `code` (inclusive), from the bulletin's
  // tree; codes below parish need their parent passed in.
  pathTo(code: string): RegionTotals[] {
    const out: RegionTotals[] = [];
    let r = this.byCode.get(code);
    while (r) {
      out.unshift(r);
      r = r.parent !== null ? this.byCode.get(r.parent) : undefined;
    }
    return out;
  }
}

export const state = new State();
