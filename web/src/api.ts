// Fetches from the center this page was served by (same origin only).

import type { Arrivals, Bulletin, CheckpointInfo, Manifest, RegionDetail, TableDetail, Telemetry, Witnesses } from './types';

// Checkpoints the page loads for the log-size chart: a long night can sign
// hundreds of thousands; the center spreads these over the history.
export const kCheckpointsShown = 600;

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly url: string,
    message: string,
  ) {
    super(message);
  }
}

export async function getJson<T>(url: string, signal?: AbortSignal): Promise<T> {
  const r = await fetch(url, { signal, headers: { Accept: 'application/json' } });
  if (!r.ok) {
    let msg = `${r.status} ${r.statusText}`;
    try {
      const body = (await r.json()) as { message?: string; error?: string };
      if (body.message) msg = body.message;
    } catch {
      // Not JSON: keep the status line.
    }
    throw new HttpError(r.status, url, msg);
  }
  return (await r.json()) as T;
}

// True when the page is served by a static mirror (`acta mirror` marks its
// copy of index.html): there are no query-string routes and no server-sent
// events, so the page reads the mirror's fixed file names (docs/FORMATS.md,
// "Mirror directory") and polls /checkpoint.
export const onMirror = document.querySelector('meta[name="acta-mirror"]') !== null;

// The country's code, for the mirror's national arrivals file.
let countryCode: string | null = null;
export function setCountryCode(code: string): void {
  countryCode = code;
}

const paths = onMirror
  ? {
      bulletin: '/v1/bulletin-state',
      arrivals: (code: string | null, _top: number) => `/v1/arrivals/${encodeURIComponent(code ?? countryCode ?? '')}`,
      checkpoints: '/v1/checkpoints-600',
      manifest: '/v1/manifest.json',
    }
  : {
      // The country and its states only: a full 1,000,000-table bulletin is
      // ~25 MB; deeper levels come from /v1/regions one region at a time.
      bulletin: '/v1/bulletin?max_level=state',
      arrivals: (code: string | null, top: number) =>
        `/v1/arrivals?top=${top}${code ? `&region=${encodeURIComponent(code)}` : ''}`,
      checkpoints: `/v1/checkpoints?max=${kCheckpointsShown}&note=0`,
      manifest: '/v1/manifest',
    };

// The manifest's witnesses that have a cosignature line in `note` (a
// C2SP signed note: text, a blank line, "— <name> <base64(key id || sig)>"
// lines).
export function witnessesOfNote(m: Manifest, note: string): Witnesses {
  const blank = note.indexOf('\n\n');
  const size = Number(note.split('\n')[1]);
  const lines = new Set<string>();
  for (const line of note.slice(blank + 2).split('\n')) {
    const [dash, name, b64] = line.split(' ');
    if (dash !== '\u2014' || !name || !b64) continue;
    let id = '';
    try {
      const raw = atob(b64);
      for (let i = 0; i < 4 && i < raw.length; i++) id += raw.charCodeAt(i).toString(16).padStart(2, '0');
    } catch {
      continue;
    }
    lines.add(`${name}+${id}`);
  }
  const list = m.witnesses?.list ?? [];
  const signed = list.filter((w) => lines.has(w.vkey.split('+').slice(0, 2).join('+')));
  const quorum = m.witnesses?.quorum ?? 0;
  return {
    quorum,
    witnesses: list.map((w) => ({ ...w, cosigned_size: signed.includes(w) ? size : 0 })),
    size,
    cosigned_by: signed.map((w) => w.name),
    quorum_met: signed.length >= quorum,
  };
}

export const api = {
  bulletin: (signal?: AbortSignal) => getJson<Bulletin>(paths.bulletin, signal),
  region: (code: string, signal?: AbortSignal) =>
    getJson<RegionDetail>(`/v1/regions/${encodeURIComponent(code)}`, signal),
  table: (id: number, signal?: AbortSignal) => getJson<TableDetail>(`/v1/tables/${id}`, signal),
  arrivals: (code: string | null, top: number, signal?: AbortSignal) => getJson<Arrivals>(paths.arrivals(code, top), signal),
  checkpoints: (signal?: AbortSignal) => getJson<CheckpointInfo[]>(paths.checkpoints, signal),
  manifest: () => getJson<Manifest>(paths.manifest),
  // The latest signed checkpoint's size and root (C2SP checkpoint text:
  // origin, size, base64 root); a mirror has no event stream to say so.
  async checkpoint(): Promise<{ size: number; root: string }> {
    const r = await fetch('/checkpoint', { cache: 'no-cache' });
    if (!r.ok) throw new HttpError(r.status, '/checkpoint', `${r.status}`);
    const lines = (await r.text()).split('\n');
    const size = Number(lines[1]);
    const raw = atob(lines[2] ?? '');
    let root = '';
    for (let i = 0; i < raw.length; i++) root += raw.charCodeAt(i).toString(16).padStart(2, '0');
    if (!Number.isSafeInteger(size) || root.length !== 64) throw new HttpError(200, '/checkpoint', 'malformed checkpoint');
    return { size, root };
  },
  telemetry: (signal?: AbortSignal) => getJson<Telemetry>('/v1/telemetry', signal),
  // Who cosigned the checkpoint of `size`: the center says (/v1/witnesses);
  // a static mirror has no such route, so the page reads the cosignature
  // lines of its /checkpoint against the manifest's witnesses (matched by
  // key name and id, not verified here: `acta verify --require-witnesses`
  // does that, and the mirror checked them before publishing).
  async witnesses(size: number, signal?: AbortSignal): Promise<Witnesses> {
    if (!onMirror) return getJson<Witnesses>(`/v1/witnesses?size=${size}`, signal);
    const m = await getJson<Manifest>(paths.manifest, signal);
    const r = await fetch('/checkpoint', { cache: 'no-cache', signal });
    if (!r.ok) throw new HttpError(r.status, '/checkpoint', `${r.status}`);
    return witnessesOfNote(m, await r.text());
  },
  async tablesBin(): Promise<ArrayBuffer> {
    const r = await fetch('/v1/manifest/tables.bin');
    if (!r.ok) throw new HttpError(r.status, '/v1/manifest/tables.bin', `${r.status}`);
    return r.arrayBuffer();
  },
};
