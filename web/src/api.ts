// Fetches from the center this page was served by (same origin only).

import type { Arrivals, Bulletin, CheckpointInfo, Manifest, RegionDetail, TableDetail, Telemetry } from './types';

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
  async tablesBin(): Promise<ArrayBuffer> {
    const r = await fetch('/v1/manifest/tables.bin');
    if (!r.ok) throw new HttpError(r.status, '/v1/manifest/tables.bin', `${r.status}`);
    return r.arrayBuffer();
  },
};
