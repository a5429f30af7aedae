// The center's receipt (docs/FORMATS.md, "Receipt"), checked in the
// browser: 141 bytes, this election, this acta's leaf hash, a center key of
// the manifest by key id, and its Ed25519 signature.

import { concat, equal, u32be, u64be, utf8 } from './bytes';
import { verifyEd25519 } from './ed25519';
import type { CheckedManifest } from './manifest';

export interface CheckedReceipt {
  receivedAtMs: number;
  center: string;
}

export async function checkReceipt(r: Uint8Array, m: CheckedManifest, leaf: Uint8Array): Promise<CheckedReceipt> {
  if (r.length !== 141 || r[0] !== 1) throw new Error(`receipt: ${r.length} bytes or unknown version, expected 141 bytes of version 1`);
  if (!equal(r.subarray(1, 33), m.electionId)) throw new Error('receipt: for another election');
  if (!equal(r.subarray(33, 65), leaf)) throw new Error('receipt: for another acta (leaf hash differs)');
  const receivedAtMs = u64be(r, 65);
  const keyId = u32be(r, 73);
  const center = m.centers.find((c) => u32be(c.id, 0) === keyId);
  if (!center) throw new Error('receipt: signed by a key that is not a center of this election');
  if (receivedAtMs === null || !(await verifyEd25519(center.key, concat(utf8('acta/v1/receipt\n'), r.subarray(0, 77)), r.subarray(77)))) {
    throw new Error(`receipt: the signature of ${center.name} does not verify`);
  }
  return { receivedAtMs, center: center.name };
}
