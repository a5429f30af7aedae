// Decodes a signed acta's bytes (docs/FORMATS.md, "Acta") to show each of a
// conflicted table's actas. Display only: the signature is not checked here
// (the center did, and `acta inspect` does offline).

import type { ActaCounts } from './types';

export interface DecodedActa extends Omit<ActaCounts, 'contests'> {
  table_id: number;
  contests: { votes: number[]; blank: number; null: number }[];
}

export function decodeActa(b: Uint8Array): DecodedActa | null {
  if (b.length < 116 || b[0] !== 1) return null;
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  let off = 45;
  const end = b.length - 64;
  const varint = (): number => {
    let v = 0;
    let mul = 1;
    for (let i = 0; i < 5; i++) {
      if (off >= end) throw new Error('truncated');
      const x = b[off++];
      v += (x & 0x7f) * mul;
      if (!(x & 0x80)) return v;
      mul *= 128;
    }
    throw new Error('varint too long');
  };
  try {
    const table_id = dv.getUint32(33);
    const closing_time = Number(dv.getBigUint64(37));
    const correction = varint();
    const ballots_cast = varint();
    const n = varint();
    const contests = [];
    for (let c = 0; c < n; c++) {
      const k = varint();
      const votes = [];
      for (let i = 0; i < k; i++) votes.push(varint());
      contests.push({ votes, blank: varint(), null: varint() });
    }
    return { table_id, closing_time, correction, ballots_cast, contests };
  } catch {
    return null;
  }
}
