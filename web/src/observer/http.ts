// The page's own origin as a LogSource (check.ts), the manifest download,
// and submission on the public lane. Everything fetched here is checked
// before it is believed; fetches never leave the origin, except that a page
// served by a static mirror submits to the center the mirror copies
// (mirror.json's `source`), since a mirror takes no submissions.

import { onMirror } from '../api';
import type { LogSource } from './check';
import { checkManifest, type CheckedManifest } from './manifest';
import { receiptKeyHeaderNote, receiptKeyNotes } from './receipt';

async function get(path: string): Promise<Response | null> {
  const r = await fetch(path, { cache: 'no-cache' });
  if (r.status === 404) return null;
  if (!r.ok) throw new Error(`${path}: HTTP ${r.status}`);
  return r;
}

export const originSource: LogSource = {
  mirror: onMirror,
  async text(path) {
    const r = await get(path);
    return r ? r.text() : null;
  },
  async json<T>(path: string) {
    const r = await get(path);
    return r ? ((await r.json()) as T) : null;
  },
};

async function must(path: string): Promise<Response> {
  const r = await get(path);
  if (!r) throw new Error(`${path}: not found`);
  return r;
}

export async function loadManifest(): Promise<CheckedManifest> {
  const [json, tables, sig] = await Promise.all([
    must(onMirror ? '/v1/manifest.json' : '/v1/manifest').then((r) => r.text()),
    must('/v1/manifest/tables.bin').then(async (r) => new Uint8Array(await r.arrayBuffer())),
    must('/v1/manifest/manifest.sig').then((r) => r.text()),
  ]);
  return checkManifest(json, tables, sig);
}

export interface SubmitAnswer {
  http: number;
  status: string; // Acta-Status or the JSON error code
  receipt: Uint8Array | null;
  // The certificate of the receipt key that signed the receipt (the
  // Acta-Receipt-Key header), when a center in a token answered.
  receiptKey: string | null;
  message: string;
}

async function submitUrl(): Promise<string> {
  if (!onMirror) return '/v1/actas';
  const m = (await (await must('/mirror.json')).json()) as { source?: string };
  if (!m.source) throw new Error('mirror.json names no source center');
  return `${m.source.replace(/\/+$/, '')}/v1/actas`;
}

// POSTs the acta with no MAC (the public lane) and no Content-Type, so the
// request stays "simple" and needs no CORS preflight from a mirror.
export async function submitActa(bytes: Uint8Array): Promise<SubmitAnswer> {
  const r = await fetch(await submitUrl(), { method: 'POST', body: bytes as BodyInit });
  const body = new Uint8Array(await r.arrayBuffer());
  const status = r.headers.get('Acta-Status') ?? '';
  if (r.status === 200 || r.status === 201 || r.status === 409) return { http: r.status, status, receipt: body, receiptKey: receiptKeyHeaderNote(r.headers.get('Acta-Receipt-Key')), message: '' };
  let message = `HTTP ${r.status}`;
  let code = status;
  try {
    const e = JSON.parse(new TextDecoder().decode(body)) as { error?: string; message?: string };
    message = e.message ?? message;
    code = e.error ?? code;
  } catch {
    // Not JSON: keep the status line.
  }
  return { http: r.status, status: code, receipt: null, receiptKey: null, message };
}

// The receipt key certificates this origin serves (a center, or a mirror's
// copy); none when it has no such route.
export async function receiptKeyCertificates(): Promise<string[]> {
  const r = await get('/v1/receipt-keys');
  return r ? receiptKeyNotes(await r.json()) : [];
}
