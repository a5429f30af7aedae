// The center's receipt (docs/FORMATS.md, "Receipt"), checked in the
// browser: 141 bytes, this election, this acta's leaf hash, and an Ed25519
// signature by a center key of the manifest or by a receipt key a center
// key certified ("Receipt key certificate": a center whose key is in a
// token signs receipts with a per-day key it certifies). Without the
// certificates, a good receipt of such a center would look forged.

import { concat, equal, fromBase64, hex, u32be, u64be, utf8 } from './bytes';
import { verifyEd25519 } from './ed25519';
import type { CheckedManifest } from './manifest';
import { type NoteKey, parseNoteKey, verifyNoteSignedBy } from './note';

export interface CheckedReceipt {
  receivedAtMs: number;
  center: string;
  // The certified receipt key that signed it, when not a center key.
  receiptKey?: string;
}

export interface ReceiptKeyCertificate {
  key: NoteKey;
  notBeforeMs: number;
  notAfterMs: number;
  certifiedBy: string;
}

const kDecimal = /^(0|[1-9][0-9]*)$/;

// A certificate note (four lines: header, origin, receipt verifier key,
// "<not before> <not after>") signed by one of `centers`; signatures by
// other keys are ignored, a failing one by a center key rejects it.
export async function verifyReceiptKeyCertificate(note: string, centers: NoteKey[], origin: string): Promise<ReceiptKeyCertificate> {
  const what = 'receipt key certificate';
  let text: string | null = null;
  let certifiedBy = '';
  for (const c of centers) {
    try {
      text = await verifyNoteSignedBy(note, c, what, 'center');
      certifiedBy = c.name;
      break;
    } catch (e) {
      if (!(e instanceof Error) || !/not signed by/.test(e.message)) throw e;
    }
  }
  if (text === null) throw new Error(`${what}: not signed by a center key of the manifest`);
  const lines = text.split('\n');
  if (lines.length !== 5 || lines[4] !== '') throw new Error(`${what}: not four lines`);
  if (lines[0] !== 'acta/v1/receipt-key') throw new Error(`${what}: wrong header "${lines[0]}"`);
  if (lines[1] !== origin) throw new Error(`${what}: for another log "${lines[1]}"`);
  const key = await parseNoteKey(lines[2]);
  const span = lines[3].split(' ');
  if (span.length !== 2 || !span.every((n) => kDecimal.test(n) && Number.isSafeInteger(Number(n)))) {
    throw new Error(`${what}: the interval is not two decimal numbers`);
  }
  const [notBeforeMs, notAfterMs] = span.map(Number);
  if (notBeforeMs > notAfterMs) throw new Error(`${what}: not before is after not after`);
  return { key, notBeforeMs, notAfterMs, certifiedBy };
}

// `certificates` is called only for a receipt whose key is not a center's:
// the certificate notes to try (the submit answer's Acta-Receipt-Key, the
// source's /v1/receipt-keys).
export async function checkReceipt(
  r: Uint8Array,
  m: CheckedManifest,
  leaf: Uint8Array,
  certificates?: () => Promise<string[]>,
): Promise<CheckedReceipt> {
  if (r.length !== 141 || r[0] !== 1) throw new Error(`receipt: ${r.length} bytes or unknown version, expected 141 bytes of version 1`);
  if (!equal(r.subarray(1, 33), m.electionId)) throw new Error('receipt: for another election');
  if (!equal(r.subarray(33, 65), leaf)) throw new Error('receipt: for another acta (leaf hash differs)');
  const receivedAtMs = u64be(r, 65);
  const keyId = u32be(r, 73);
  if (receivedAtMs === null) throw new Error('receipt: the receipt time is out of range');
  const signed = concat(utf8('acta/v1/receipt\n'), r.subarray(0, 77));
  const sig = r.subarray(77);
  const center = m.centers.find((c) => u32be(c.id, 0) === keyId);
  if (center) {
    if (!(await verifyEd25519(center.key, signed, sig))) throw new Error(`receipt: the signature of ${center.name} does not verify`);
    return { receivedAtMs, center: center.name };
  }
  const notes = certificates ? await certificates() : [];
  const origin = `acta/${hex(m.electionId)}`;
  let certified = 0;
  for (const note of notes) {
    let cert: ReceiptKeyCertificate;
    try {
      cert = await verifyReceiptKeyCertificate(note, m.centers, origin);
    } catch {
      continue; // not a certificate of this election's centers: it vouches for nothing
    }
    if (u32be(cert.key.id, 0) !== keyId) continue;
    certified++;
    if (receivedAtMs < cert.notBeforeMs || receivedAtMs > cert.notAfterMs) continue;
    if (await verifyEd25519(cert.key.key, signed, sig)) {
      return { receivedAtMs, center: cert.certifiedBy, receiptKey: cert.key.name };
    }
  }
  if (certified === 0) {
    throw new Error('receipt: signed by a key that is neither a center of this election nor a receipt key one certified');
  }
  throw new Error('receipt: the signature does not verify with a receipt key certified for its time');
}

// The notes of a /v1/receipt-keys body ({"receipt_keys": ["<note>", ...]}).
export function receiptKeyNotes(body: unknown): string[] {
  const list = (body as { receipt_keys?: unknown } | null)?.receipt_keys;
  if (!Array.isArray(list) || !list.every((n) => typeof n === 'string')) throw new Error('/v1/receipt-keys: not {"receipt_keys": [notes]}');
  return list as string[];
}

// The Acta-Receipt-Key header's note (base64 of its text), or null.
export function receiptKeyHeaderNote(header: string | null): string | null {
  if (!header) return null;
  const raw = fromBase64(header.trim());
  return raw ? new TextDecoder().decode(raw) : null;
}
