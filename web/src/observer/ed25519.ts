// Ed25519 verification that accepts and rejects exactly what libsodium's
// crypto_sign_verify_detached does on the C++ side (src/core/crypto.cc), so
// the page and the center never disagree about a signature.
//
// @noble/ed25519 with zip215: false does the RFC 8032 checks: canonical
// encodings of A and R, S < L, no small-order A, and the cofactored
// equation [8][S]B = [8]R + [8][k]A. libsodium is stricter in two ways,
// added here with noble's own group operations: it refuses a small-order R,
// and it checks the cofactorless equation [S]B = R + [k]A, which differs for
// a mixed-order A (tests/vectors/ed25519.json has one of each; the C++
// CryptoTest and tests/browser/observer_unit.test.mjs read the same file).

import * as ed from '@noble/ed25519';
import { concat } from './bytes';

const L = 2n ** 252n + 27742317777372353535851937790883648493n;

function littleEndian(b: Uint8Array): bigint {
  let n = 0n;
  for (let i = b.length - 1; i >= 0; i--) n = (n << 8n) + BigInt(b[i]);
  return n;
}

export async function verifyEd25519(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): Promise<boolean> {
  if (publicKey.length !== 32 || signature.length !== 64) return false;
  let ok: boolean;
  try {
    ok = await ed.verifyAsync(signature, message, publicKey, { zip215: false });
  } catch {
    return false;
  }
  if (!ok) return false;
  // Both decode: noble just did it with the same strictness.
  const A = ed.Point.fromBytes(publicKey, false);
  const rBytes = signature.subarray(0, 32);
  const R = ed.Point.fromBytes(rBytes, false);
  if (R.isSmallOrder()) return false;
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-512', concat(rBytes, publicKey, message) as BufferSource));
  const k = littleEndian(digest) % L;
  const S = littleEndian(signature.subarray(32));
  return ed.Point.BASE.multiply(S, false).equals(R.add(A.multiply(k, false)));
}
