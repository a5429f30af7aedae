// Decodes a signed acta's bytes (docs/FORMATS.md, "Acta") to show each of a
// conflicted table's actas, with the strict decoder the observers' page
// uses. Display only: the signature is not checked here (the center did;
// the observers' page and `acta inspect` check it).

import { decodeActaBytes } from './observer/acta_codec';
import type { ActaCounts } from './types';

export interface DecodedActa extends Omit<ActaCounts, 'contests'> {
  table_id: number;
  contests: { votes: number[]; blank: number; null: number }[];
}

export function decodeActa(b: Uint8Array): DecodedActa | null {
  try {
    const a = decodeActaBytes(b);
    return { table_id: a.table_id, closing_time: a.closing_time, correction: a.correction, ballots_cast: a.ballots_cast, contests: a.contests };
  } catch {
    return null;
  }
}
