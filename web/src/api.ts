// Fetches from the center this page was served by (same origin only).

import type { Bulletin, CheckpointInfo, Manifest, RegionDetail, TableDetail, Telemetry } from './types';

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly url: string,
    message: string,
  ) {
    super(message);
  }
}

async function getJson<T>(url: string, signal?: AbortSignal): Promise<T> {
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
  bulletin: (signal?: AbortSignal) => getJson<Bulletin>('/v1/bulletin', signal),
  region: (code: string, signal?: AbortSignal) =>
    getJson<RegionDetail>(`/v1/regions/${encodeURIComponent(code)}`, signal),
  table: (id: number, signal?: AbortSignal) => getJson<TableDetail>(`/v1/tables/${id}`, signal),
  checkpoints: (signal?: AbortSignal) => getJson<CheckpointInfo[]>('/v1/checkpoints', signal),
  manifest: () => getJson<Manifest>('/v1/manifest'),
  telemetry: (signal?: AbortSignal) => getJson<Telemetry>('/v1/telemetry', signal),
  async tablesBin(): Promise<ArrayBuffer> {
    const r = await fetch('/v1/manifest/tables.bin');
    if (!r.ok) throw new HttpError(r.status, '/v1/manifest/tables.bin', `${r.status}`);
    return r.arrayBuffer();
  },
};
