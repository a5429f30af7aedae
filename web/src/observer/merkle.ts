// RFC 9162 section 2.1: leaf and node hashes, and inclusion-proof
// verification (2.1.3.2), with SHA-256 from WebCrypto.

import { equal, sha256 } from './bytes';

export const leafHash = (entry: Uint8Array): Promise<Uint8Array> => sha256(Uint8Array.of(0), entry);
const nodeHash = (l: Uint8Array, r: Uint8Array): Promise<Uint8Array> => sha256(Uint8Array.of(1), l, r);

// Why a proof failed, in words; null when it reaches `root`.
export async function checkInclusion(
  index: number,
  size: number,
  leaf: Uint8Array,
  proof: Uint8Array[],
  root: Uint8Array,
): Promise<string | null> {
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(size) || index < 0 || index >= size) {
    return `index ${index} is not in a tree of ${size}`;
  }
  if (proof.some((h) => h.length !== 32)) return 'a proof hash is not 32 bytes';
  // Verbatim from the RFC, with bigints so trees past 2^31 work.
  let fn = BigInt(index);
  let sn = BigInt(size - 1);
  let r = leaf;
  for (const p of proof) {
    if (sn === 0n) return 'the proof is longer than the tree allows';
    if ((fn & 1n) === 1n || fn === sn) {
      r = await nodeHash(p, r);
      if ((fn & 1n) === 0n) {
        while ((fn & 1n) === 0n && fn !== 0n) {
          fn >>= 1n;
          sn >>= 1n;
        }
      }
    } else {
      r = await nodeHash(r, p);
    }
    fn >>= 1n;
    sn >>= 1n;
  }
  if (sn !== 0n) return 'the proof is shorter than the tree needs';
  return equal(r, root) ? null : 'the proof does not lead to the checkpoint\'s root';
}
