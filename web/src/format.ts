// Figures derived from the bulletin's integers.

import type { ContestTotals } from './types';

export function sum(a: number[]): number {
  let s = 0;
  for (const v of a) s += v;
  return s;
}

export function pct(part: number, whole: number): number {
  return whole > 0 ? (100 * part) / whole : 0;
}

export function contestTotals(c: ContestTotals): { valid: number; total: number } {
  const valid = sum(c.votes);
  return { valid, total: valid + c.blank + c.null };
}

export function shortHash(hex: string): string {
  return hex.length > 16 ? `${hex.slice(0, 8)}…${hex.slice(-8)}` : hex;
}

export function base64ToBytes(b64: string): Uint8Array {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

export function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
