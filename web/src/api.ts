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

export const api = {
  // The country and its states only: a full 1,000,000-table bulletin is
  // ~25 MB; deeper levels come from /v1/regions one region at a time.
  bulletin: (signal?: AbortSignal) => getJson<Bulletin>('/v1/bulletin?max_level=state', signal),
  region: (code: string, signal?: AbortSignal) =>
    getJson<RegionDetail>(`/v1/regions/${encodeURIComponent(code)}`, signal),
  table: (id: number, signal?: AbortSignal) => getJson<TableDetail>(`/v1/tables/${id}`, signal),
  arrivals: (code: string | null, top: number, signal?: AbortSignal) =>
    getJson<Arrivals>(`/v1/arrivals?top=${top}${code ? `&region=${encodeURIComponent(code)}` : ''}`, signal),
  checkpoints: (signal?: AbortSignal) => getJson<CheckpointInfo[]>(`/v1/checkpoints?max=${kCheckpointsShown}&note=0`, signal),
  manifest: () => getJson<Manifest>('/v1/manifest'),
  telemetry: (signal?: AbortSignal) => getJson<Telemetry>('/v1/telemetry', signal),
  async tablesBin(): Promise<ArrayBuffer> {
    const r = await fetch('/v1/manifest/tables.bin');
    if (!r.ok) throw new HttpError(r.status, '/v1/manifest/tables.bin', `${r.status}`);
    return r.arrayBuffer();
  },
};
