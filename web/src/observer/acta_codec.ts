// Strict decoding of a signed acta (docs/FORMATS.md, "Acta") and of its QR
// text, with the same accept and reject as DecodeActa / ActaFromText in
// src/core/acta.cc: sizes 116..1024, version 1, minimal varints within
// their maxima, contest and candidate counts in range, per-contest totals
// within 2^32-1, and nothing between the last field and the signature.

import { base45Decode } from './base45';
import { u32be, u64be } from './bytes';

export const kMinActaSize = 116;
export const kMaxActaSize = 1024;
const kSignatureSize = 64;
const kU32Max = 0xffffffff;

export interface ContestCounts {
  votes: number[];
  blank: number;
  null: number;
}

export interface Acta {
  bytes: Uint8Array; // the whole signed acta
  election_id: Uint8Array; // 32 bytes
  table_id: number;
  closing_time: number; // Unix seconds
  correction: number;
  ballots_cast: number;
  contests: ContestCounts[];
  signature: Uint8Array; // 64 bytes
}

export class ActaError extends Error {}

export function decodeActaBytes(b: Uint8Array): Acta {
  if (b.length < kMinActaSize) throw new ActaError(`acta too short: ${b.length} bytes, minimum ${kMinActaSize}`);
  if (b.length > kMaxActaSize) throw new ActaError(`acta too long: ${b.length} bytes, maximum ${kMaxActaSize}`);
  if (b[0] !== 1) throw new ActaError(`acta version ${b[0]} is not supported (expected 1)`);
  const end = b.length - kSignatureSize;
  let off = 45;
  const fail = (field: string, why: string): never => {
    throw new ActaError(`${field} at offset ${off}: ${why}`);
  };
  const varint = (field: string, max: number): number => {
    let v = 0;
    let mul = 1;
    for (let i = 0; ; i++) {
      if (off >= end) fail(field, 'truncated');
      const x = b[off++];
      if (i > 0 && x === 0) fail(field, 'non-minimal varint');
      v += (x & 0x7f) * mul;
      if (v > max) fail(field, `exceeds ${max}`);
      if (!(x & 0x80)) return v;
      mul *= 128;
    }
  };
  const closing = u64be(b, 37);
  if (closing === null) throw new ActaError('closing_time at offset 37: beyond any real time');
  const correction = varint('correction', kU32Max);
  const ballots_cast = varint('ballots_cast', kU32Max);
  const n = varint('contest_count', 16);
  if (n === 0) fail('contest_count', 'must be at least 1');
  const contests: ContestCounts[] = [];
  for (let c = 0; c < n; c++) {
    const prefix = `contest[${c}].`;
    const k = varint(`${prefix}candidate_count`, 64);
    if (k === 0) fail(`${prefix}candidate_count`, 'must be at least 1');
    const votes: number[] = [];
    for (let i = 0; i < k; i++) votes.push(varint(`${prefix}candidate[${i}]`, kU32Max));
    const blank = varint(`${prefix}blank`, kU32Max);
    const nul = varint(`${prefix}null`, kU32Max);
    if (votes.reduce((a, x) => a + x, 0) + blank + nul > kU32Max) fail(`${prefix}total`, 'votes in contest overflow 2^32-1');
    contests.push({ votes, blank, null: nul });
  }
  if (off !== end) fail('signature', `body followed by ${end - off} unexpected bytes before the signature`);
  return {
    bytes: b,
    election_id: b.slice(1, 33),
    table_id: u32be(b, 33),
    closing_time: closing,
    correction,
    ballots_cast,
    contests,
    signature: b.slice(end),
  };
}

export const kActaTextPrefix = 'ACTA1:';

// The QR text `ACTA1:<base45>`; white space around it (scanners add line
// ends) is ignored.
export function decodeActaText(text: string): Acta {
  const trimmed = text.replace(/^[\n\r \t]+|[\n\r \t]+$/g, '');
  if (!trimmed.startsWith(kActaTextPrefix)) throw new ActaError('acta text must start with "ACTA1:"');
  const bytes = base45Decode(trimmed.slice(kActaTextPrefix.length));
  if (typeof bytes === 'string') throw new ActaError(`acta text: ${bytes}`);
  return decodeActaBytes(bytes);
}

// What the machine signed: the context string, then every byte before the
// signature.
export function actaSignedMessage(a: Acta): Uint8Array {
  const ctx = new TextEncoder().encode('acta/v1/acta\n');
  const body = a.bytes.subarray(0, a.bytes.length - kSignatureSize);
  const out = new Uint8Array(ctx.length + body.length);
  out.set(ctx);
  out.set(body, ctx.length);
  return out;
}
